package dev.vela.bootstrap;

/**
 * A setting that stops start-up: an unknown or malformed value, or a feature this build does not
 * have. The message is one line naming the setting as a flag and as its config key.
 */
final class SettingsException extends RuntimeException {

    SettingsException(String message) {
        super(message);
    }
}
