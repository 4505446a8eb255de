package dev.vela.adapters.hf;

/**
 * A chat template did something the sandbox does not allow: call a method its object does not
 * have in Python, use an unknown filter or test, nest too deeply, or spend more work, memory or
 * output than a render may. The message says what, in jinja2's words where it has them.
 */
final class TemplateSandboxException extends RuntimeException {

    TemplateSandboxException(String message) {
        super(message);
    }
}
