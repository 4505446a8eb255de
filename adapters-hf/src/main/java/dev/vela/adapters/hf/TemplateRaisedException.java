package dev.vela.adapters.hf;

/** What a chat template's {@code raise_exception(message)} throws: the template refuses the conversation. */
final class TemplateRaisedException extends RuntimeException {

    TemplateRaisedException(String message) {
        super(message);
    }

    /** Bound to the template function {@code raise_exception}; Jinjava calls it by reflection, so it is public. */
    public static Object raise(String message) {
        throw new TemplateRaisedException(message);
    }
}
