package dev.vela.adapters.hf;

/**
 * A model that could not be fetched from the Hugging Face hub. The message is one line that names
 * the repository, the endpoint and what went wrong.
 */
public class ModelDownloadException extends RuntimeException {

    public ModelDownloadException(String message) {
        super(message);
    }

    public ModelDownloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
