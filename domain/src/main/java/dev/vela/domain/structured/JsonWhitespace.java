package dev.vela.domain.structured;

/**
 * Which whitespace a constrained JSON answer may hold between its tokens: none
 * ({@code disable_any_whitespace}), a bounded amount (the default, so that a model cannot loop on
 * it), or what a request's {@code whitespace_pattern} regular expression allows.
 */
public record JsonWhitespace(Kind kind, String pattern) {

    public enum Kind { NONE, BOUNDED, PATTERN }

    public static final JsonWhitespace NONE = new JsonWhitespace(Kind.NONE, null);
    public static final JsonWhitespace BOUNDED = new JsonWhitespace(Kind.BOUNDED, null);

    public static JsonWhitespace pattern(String regex) {
        return new JsonWhitespace(Kind.PATTERN, regex);
    }
}
