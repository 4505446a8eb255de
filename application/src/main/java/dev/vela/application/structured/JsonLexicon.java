package dev.vela.application.structured;

import dev.vela.application.structured.GrammarExpr.Alternation;
import dev.vela.application.structured.GrammarExpr.CharClass;
import dev.vela.application.structured.GrammarExpr.Literal;
import dev.vela.application.structured.GrammarExpr.Repeat;
import dev.vela.application.structured.GrammarExpr.Sequence;
import java.util.ArrayList;
import java.util.List;

/** The tokens of JSON text (RFC 8259) as grammar expressions: string characters, numbers, whitespace. */
final class JsonLexicon {

    /**
     * The code points a JSON string holds unescaped: all but {@code "}, {@code \}, the control
     * characters and the surrogates (a lone surrogate is not a character).
     */
    static final CharClass PLAIN_CHAR = new CharClass(
            new int[] {0x20, 0x21, 0x23, 0x5B, 0x5D, 0xD7FF, 0xE000, 0x10FFFF}, false);

    /** JSON's whitespace characters as xgrammar allows them between tokens: space, newline, tab. */
    static final CharClass WHITESPACE = new CharClass(new int[] {' ', ' ', '\n', '\n', '\t', '\t'}, false);

    /** Every whitespace character JSON allows between tokens (RFC 8259): space, tab, newline, carriage return. */
    static final CharClass JSON_WHITESPACE = new CharClass(new int[] {' ', ' ', '\t', '\n', '\r', '\r'}, false);

    /** How many whitespace characters may stand between two tokens by default. */
    static final int MAX_WHITESPACE = 20;

    private static final CharClass DIGIT = new CharClass(new int[] {'0', '9'}, false);
    private static final CharClass HEX = new CharClass(new int[] {'0', '9', 'A', 'F', 'a', 'f'}, false);

    private JsonLexicon() {
    }

    /**
     * One character of a JSON string's content, plain or escaped. A {@code \\u} escape names one
     * code point outside the surrogates, so that every character counts one toward
     * {@code minLength}/{@code maxLength}.
     */
    static GrammarExpr stringChar() {
        GrammarExpr unicode = new Sequence(List.of(new Literal("u"), new Alternation(List.of(
                new Sequence(List.of(new CharClass(new int[] {'0', '9', 'A', 'C', 'E', 'F', 'a', 'c', 'e', 'f'}, false),
                        HEX, HEX, HEX)),
                new Sequence(List.of(new CharClass(new int[] {'D', 'D', 'd', 'd'}, false),
                        new CharClass(new int[] {'0', '7'}, false), HEX, HEX))))));
        GrammarExpr escape = new Sequence(List.of(new Literal("\\"), new Alternation(List.of(
                new CharClass(new int[] {'"', '"', '\\', '\\', '/', '/', 'b', 'b', 'f', 'f', 'n', 'n', 'r', 'r', 't', 't'}, false),
                unicode))));
        return new Alternation(List.of(PLAIN_CHAR, escape));
    }

    /** The most digits an exponent may have: any parser can read what it writes, and no model loops on it. */
    static final int MAX_EXPONENT_DIGITS = 3;

    /** A JSON number: optional minus, integer part without leading zeros, optional fraction and exponent. */
    static GrammarExpr number() {
        GrammarExpr fraction = new Sequence(List.of(new Literal("."), new Repeat(DIGIT, 1, Repeat.UNBOUNDED)));
        GrammarExpr exponent = new Sequence(List.of(new CharClass(new int[] {'E', 'E', 'e', 'e'}, false),
                new Repeat(new CharClass(new int[] {'+', '+', '-', '-'}, false), 0, 1),
                new Repeat(DIGIT, 1, MAX_EXPONENT_DIGITS)));
        return new Sequence(List.of(IntegerRange.any(), new Repeat(fraction, 0, 1), new Repeat(exponent, 0, 1)));
    }

    /** The bounded whitespace allowed between two tokens by default. */
    static GrammarExpr boundedWhitespace() {
        return new Repeat(WHITESPACE, 0, MAX_WHITESPACE);
    }

    /** {@code text} as it stands inside a JSON string literal, escaped where JSON requires it. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", c));
                    } else {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        return out.toString();
    }

    /** The plain string characters other than the given code points (each a plain character). */
    static CharClass plainCharExcept(List<Integer> excluded) {
        List<Integer> bounds = new ArrayList<>();
        int[] ranges = PLAIN_CHAR.ranges();
        for (int i = 0; i < ranges.length; i += 2) {
            int from = ranges[i];
            int to = ranges[i + 1];
            for (int c : excluded.stream().sorted().distinct().toList()) {
                if (c >= from && c <= to) {
                    if (c > from) {
                        bounds.add(from);
                        bounds.add(c - 1);
                    }
                    from = c + 1;
                }
            }
            if (from <= to) {
                bounds.add(from);
                bounds.add(to);
            }
        }
        return new CharClass(bounds.stream().mapToInt(Integer::intValue).toArray(), false);
    }
}
