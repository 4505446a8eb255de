package dev.vela.adapters.hf;

/**
 * A model directory Vela cannot use. The message is one line that names the file and what is
 * wrong with it, e.g. {@code config.json: missing "hidden_size"}.
 */
public class ModelDirectoryException extends RuntimeException {

    public ModelDirectoryException(String message) {
        super(message);
    }

    public ModelDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
