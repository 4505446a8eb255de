package dev.vela.application.structured;

/** A grammar, regular expression or choice list that cannot be compiled, and why (the client's error). */
public final class GrammarException extends IllegalArgumentException {

    public GrammarException(String message) {
        super(message);
    }
}
