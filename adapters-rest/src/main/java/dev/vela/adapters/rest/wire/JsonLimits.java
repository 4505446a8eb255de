package dev.vela.adapters.rest.wire;

import dev.vela.domain.error.InvalidRequestException;

/**
 * Bounds what the JSON parser would refuse with an exception that says nothing to the client: how
 * deep arrays and objects nest, how long a number is written and how large its exponent is. They
 * are checked on the text before it is parsed, in one flat pass; everything that walks a parsed
 * value later (templates, error messages) recurses once per level, so the depth bound protects
 * them too. A request body is checked whole; a JSON Schema sent as a string is checked again alone.
 */
public final class JsonLimits {

    /** Deeper than any request the API describes: tool schemas nest a few dozen levels at most. */
    static final int MAX_DEPTH = 128;
    /** The parser's own bound on a number's characters (Parsson's {@code maxBigDecimalLength}). */
    static final int MAX_NUMBER_CHARS = 1100;
    /**
     * A decimal's exponent must fit an int, with room for the digits after the point: nine digits
     * always do, while 1e9999999999 fails the parser with a bare NumberFormatException.
     */
    static final int MAX_EXPONENT_DIGITS = 9;

    private JsonLimits() {
    }

    /**
     * Fails with a 400 when arrays and objects nest more than {@link #MAX_DEPTH} deep, a number is
     * written with more than {@link #MAX_NUMBER_CHARS} characters or an exponent of more than
     * {@link #MAX_EXPONENT_DIGITS} digits; the error names the top-level field where that happens
     * (null when the body is not an object). Anything else wrong with the text is left to the
     * parser.
     */
    public static void check(String body) {
        Problem problem = problem(body);
        if (problem != null) {
            throw new InvalidRequestException("The request body is not valid JSON: " + problem.what()
                    + (problem.field() == null ? "" : " in `" + problem.field() + "`") + ".", problem.field());
        }
    }

    /** What exceeds a bound in {@code text} (a JSON Schema sent as a string, say), or null when nothing does. */
    public static String exceeded(String text) {
        Problem problem = problem(text);
        return problem == null ? null : problem.what();
    }

    /** What exceeds a bound, and the top-level field it is in (null when none or not an object). */
    private record Problem(String what, String field) {
    }

    private static Problem problem(String body) {
        int depth = 0;
        boolean rootIsObject = false;
        boolean keyNext = false;
        String field = null;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '"') {
                int start = i + 1;
                i = endOfString(body, start);
                if (depth == 1 && rootIsObject && keyNext) {
                    field = body.substring(start, i);
                    keyNext = false;
                }
            } else if (c == '{' || c == '[') {
                if (depth == 0) {
                    rootIsObject = c == '{';
                    keyNext = rootIsObject;
                }
                if (++depth > MAX_DEPTH) {
                    return new Problem("arrays and objects nest more than " + MAX_DEPTH + " levels deep", field);
                }
            } else if (c == '}' || c == ']') {
                depth = Math.max(0, depth - 1);
            } else if (c == ',') {
                keyNext = depth == 1 && rootIsObject;
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                int end = endOfNumber(body, i);
                if (end - i > MAX_NUMBER_CHARS) {
                    return new Problem("a number is written with more than " + MAX_NUMBER_CHARS + " characters", field);
                }
                if (exponentDigits(body, i, end) > MAX_EXPONENT_DIGITS) {
                    return new Problem("a number's exponent has more than " + MAX_EXPONENT_DIGITS + " digits", field);
                }
                i = end - 1;
            }
        }
        return null;
    }

    /** The index of the quote that closes the string starting at {@code from}, or the text's length. */
    private static int endOfString(String body, int from) {
        for (int i = from; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return body.length();
    }

    /** The digits of the number's exponent, leading zeros not counted; 0 when it has none. */
    private static int exponentDigits(String body, int from, int end) {
        int i = from;
        while (i < end && body.charAt(i) != 'e' && body.charAt(i) != 'E') {
            i++;
        }
        i++;
        while (i < end && (body.charAt(i) == '+' || body.charAt(i) == '-' || body.charAt(i) == '0')) {
            i++;
        }
        return Math.max(0, end - i);
    }

    /** The index just past the number starting at {@code from}. */
    private static int endOfNumber(String body, int from) {
        int i = from;
        while (i < body.length() && "0123456789+-.eE".indexOf(body.charAt(i)) >= 0) {
            i++;
        }
        return i;
    }
}
