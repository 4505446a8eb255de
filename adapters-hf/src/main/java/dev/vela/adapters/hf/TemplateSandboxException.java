package dev.vela.adapters.hf;

/**
 * A chat template did something the sandbox does not allow: reach a Java object's methods or
 * properties, use an unknown filter or test, nest too deeply, or spend more work or output than a
 * render may. The message says what, in jinja2's words where it has them.
 */
final class TemplateSandboxException extends RuntimeException {

    TemplateSandboxException(String message) {
        super(message);
    }
}
