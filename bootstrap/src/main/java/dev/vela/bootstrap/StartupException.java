package dev.vela.bootstrap;

/** Start-up stopped for a reason the operator can fix (a model that cannot be served); one line. */
final class StartupException extends RuntimeException {

    StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
