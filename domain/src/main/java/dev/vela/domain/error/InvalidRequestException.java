package dev.vela.domain.error;

/**
 * A request the client must fix: the message says what is wrong in vLLM's words, and
 * {@link #param()} names the offending request field (or is null when no single field is to blame).
 */
public class InvalidRequestException extends RuntimeException {

    private final String param;

    public InvalidRequestException(String message, String param) {
        super(message);
        this.param = param;
    }

    public InvalidRequestException(String message) {
        this(message, null);
    }

    /** The request field the client must change, or null. */
    public String param() {
        return param;
    }
}
