package dev.vela.domain.error;

/** Something the client named does not exist, such as a model that is not served. */
public class NotFoundException extends RuntimeException {

    private final String param;

    public NotFoundException(String message, String param) {
        super(message);
        this.param = param;
    }

    /** The request field that named the missing thing, or null. */
    public String param() {
        return param;
    }

    /** vLLM's answer for a model name that is not served. */
    public static NotFoundException model(String name) {
        return new NotFoundException("The model `" + name + "` does not exist.", "model");
    }
}
