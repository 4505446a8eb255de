package dev.vela.application.structured;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the regular expressions vLLM's users send (Python's and JavaScript's common syntax) into
 * a {@link Grammar} whose sentences are the full matches: literals and escapes, {@code .},
 * classes with ranges, negation and {@code \d \w \s} (ASCII meanings), groups ({@code (...)},
 * {@code (?:...)}, named), alternation, {@code * + ? {m} {m,} {m,n} {,n}} (lazy and possessive
 * forms match the same strings, so they are taken as greedy), and {@code ^}/{@code $} at the ends.
 * What a token-by-token automaton cannot enforce (backreferences, lookaround, word boundaries,
 * inline flags) is refused by name.
 */
public final class RegexParser {

    private static final int[] DIGIT = {'0', '9'};
    private static final int[] WORD = {'0', '9', 'A', 'Z', '_', '_', 'a', 'z'};
    private static final int[] SPACE = {'\t', '\r', ' ', ' '};

    private final String pattern;
    private int at;

    private RegexParser(String pattern) {
        this.pattern = pattern;
    }

    /** @throws GrammarException naming the position of the first thing that cannot be enforced or parsed */
    public static Grammar parse(String pattern) {
        return Grammar.of(new RegexParser(pattern).whole());
    }

    /** Parses one expression of a larger grammar (a JSON Schema {@code pattern}, say). */
    public static GrammarExpr expression(String pattern) {
        return new RegexParser(pattern).whole();
    }

    private GrammarExpr whole() {
        if (pattern.startsWith("^")) {
            at = 1;
        }
        GrammarExpr expr = alternation();
        if (at < pattern.length()) {
            throw error(pattern.charAt(at) == ')' ? "unbalanced parenthesis" : "unexpected " + pattern.charAt(at));
        }
        return expr;
    }

    private GrammarExpr alternation() {
        List<GrammarExpr> options = new ArrayList<>();
        options.add(sequence());
        while (at < pattern.length() && pattern.charAt(at) == '|') {
            at++;
            options.add(sequence());
        }
        return options.size() == 1 ? options.getFirst() : new GrammarExpr.Alternation(options);
    }

    private GrammarExpr sequence() {
        List<GrammarExpr> items = new ArrayList<>();
        while (at < pattern.length()) {
            char c = pattern.charAt(at);
            if (c == '|' || c == ')') {
                break;
            }
            if (c == '$') {
                if (at + 1 == pattern.length()) {
                    at++;
                    continue;
                }
                throw error("$ is only supported at the end of the pattern");
            }
            if (c == '^') {
                throw error("^ is only supported at the start of the pattern");
            }
            items.add(quantified(atom()));
        }
        return items.size() == 1 ? items.getFirst() : new GrammarExpr.Sequence(items);
    }

    private GrammarExpr atom() {
        char c = pattern.charAt(at);
        switch (c) {
            case '(' -> {
                return group();
            }
            case '[' -> {
                return charClass();
            }
            case '.' -> {
                at++;
                return new GrammarExpr.CharClass(new int[] {'\n', '\n'}, true);
            }
            case '\\' -> {
                return escape(false);
            }
            case '*', '+', '?' -> throw error("nothing to repeat before " + c);
            default -> {
                int codePoint = pattern.codePointAt(at);
                at += Character.charCount(codePoint);
                return new GrammarExpr.Literal(Character.toString(codePoint));
            }
        }
    }

    private GrammarExpr group() {
        int open = at++;
        if (pattern.startsWith("?", at)) {
            if (pattern.startsWith("?:", at)) {
                at += 2;
            } else if (pattern.startsWith("?P<", at) || pattern.startsWith("?<", at)
                    && !pattern.startsWith("?<=", at) && !pattern.startsWith("?<!", at)) {
                int close = pattern.indexOf('>', at);
                if (close < 0) {
                    throw error("unterminated group name");
                }
                at = close + 1;
            } else if (pattern.startsWith("?=", at) || pattern.startsWith("?!", at)) {
                throw error("lookahead assertions are not supported");
            } else if (pattern.startsWith("?<=", at) || pattern.startsWith("?<!", at)) {
                throw error("lookbehind assertions are not supported");
            } else if (pattern.startsWith("?P=", at)) {
                throw error("backreferences are not supported");
            } else {
                throw error("inline flags and other (? groups are not supported");
            }
        }
        GrammarExpr inner = alternation();
        if (at >= pattern.length() || pattern.charAt(at) != ')') {
            at = open;
            throw error("missing ), unterminated group");
        }
        at++;
        return inner;
    }

    private GrammarExpr quantified(GrammarExpr item) {
        if (at >= pattern.length()) {
            return item;
        }
        char c = pattern.charAt(at);
        int min;
        int max;
        if (c == '*' || c == '+' || c == '?') {
            at++;
            min = c == '+' ? 1 : 0;
            max = c == '?' ? 1 : GrammarExpr.Repeat.UNBOUNDED;
        } else if (c == '{' && bounds() != null) {
            int[] bounds = bounds();
            at = bounds[2];
            min = bounds[0];
            max = bounds[1];
        } else {
            return item;
        }
        if (at < pattern.length() && (pattern.charAt(at) == '?' || pattern.charAt(at) == '+')) {
            at++;                               // lazy or possessive: the same full matches
        }
        if (at < pattern.length() && "*+?".indexOf(pattern.charAt(at)) >= 0) {
            throw error("multiple repeat");
        }
        return new GrammarExpr.Repeat(item, min, max);
    }

    /** {@code {min, max, end}} of a repetition at {@link #at}, or null where Python reads the brace as a literal. */
    private int[] bounds() {
        int close = pattern.indexOf('}', at);
        if (close < 0) {
            return null;
        }
        String inside = pattern.substring(at + 1, close);
        if (!inside.matches("\\d*(,\\d*)?") || inside.isEmpty() || inside.equals(",")) {
            return null;
        }
        int comma = inside.indexOf(',');
        String low = comma < 0 ? inside : inside.substring(0, comma);
        String high = comma < 0 ? inside : inside.substring(comma + 1);
        int min = low.isEmpty() ? 0 : count(low);
        int max = high.isEmpty() ? GrammarExpr.Repeat.UNBOUNDED : count(high);
        if (max != GrammarExpr.Repeat.UNBOUNDED && max < min) {
            throw error("min repeat greater than max repeat");
        }
        return new int[] {min, max, close + 1};
    }

    private int count(String digits) {
        if (digits.length() > 6 || Integer.parseInt(digits) > GbnfParser.MAX_REPEAT) {
            throw error("repetition counts above " + GbnfParser.MAX_REPEAT + " are not supported");
        }
        return Integer.parseInt(digits);
    }

    private GrammarExpr charClass() {
        int open = at++;
        boolean negated = pattern.startsWith("^", at);
        if (negated) {
            at++;
        }
        List<Integer> ranges = new ArrayList<>();
        boolean first = true;
        while (true) {
            if (at >= pattern.length()) {
                at = open;
                throw error("unterminated character set");
            }
            char c = pattern.charAt(at);
            if (c == ']' && !first) {
                at++;
                break;
            }
            first = false;
            int from;
            if (c == '\\') {
                GrammarExpr escaped = escape(true);
                if (escaped instanceof GrammarExpr.CharClass set) {
                    addClass(set, ranges);
                    continue;
                }
                from = ((GrammarExpr.Literal) escaped).text().codePointAt(0);
            } else {
                from = pattern.codePointAt(at);
                at += Character.charCount(from);
            }
            int to = from;
            if (at + 1 < pattern.length() && pattern.charAt(at) == '-' && pattern.charAt(at + 1) != ']') {
                at++;
                if (pattern.charAt(at) == '\\') {
                    GrammarExpr escaped = escape(true);
                    if (!(escaped instanceof GrammarExpr.Literal literal)) {
                        throw error("bad character range");
                    }
                    to = literal.text().codePointAt(0);
                } else {
                    to = pattern.codePointAt(at);
                    at += Character.charCount(to);
                }
                if (to < from) {
                    throw error("bad character range");
                }
            }
            ranges.add(from);
            ranges.add(to);
        }
        return new GrammarExpr.CharClass(ranges.stream().mapToInt(Integer::intValue).toArray(), negated);
    }

    /** A class inside a class: {@code [\d_]}, or a negated one such as {@code [\D]} by its complement. */
    private static void addClass(GrammarExpr.CharClass set, List<Integer> ranges) {
        int[] own = Utf8Ranges.normalized(set.ranges(), set.negated());
        for (int value : own) {
            ranges.add(value);
        }
    }

    /** An escape at {@link #at}: a class ({@code \d}) or one character, as a literal. */
    private GrammarExpr escape(boolean inClass) {
        int start = at;
        at++;
        if (at >= pattern.length()) {
            throw error("bad escape (end of pattern)");
        }
        char e = pattern.charAt(at++);
        return switch (e) {
            case 'd' -> new GrammarExpr.CharClass(DIGIT, false);
            case 'D' -> new GrammarExpr.CharClass(DIGIT, true);
            case 'w' -> new GrammarExpr.CharClass(WORD, false);
            case 'W' -> new GrammarExpr.CharClass(WORD, true);
            case 's' -> new GrammarExpr.CharClass(SPACE, false);
            case 'S' -> new GrammarExpr.CharClass(SPACE, true);
            case 'n' -> literal('\n');
            case 't' -> literal('\t');
            case 'r' -> literal('\r');
            case 'f' -> literal('\f');
            case 'v' -> literal(0x0B);
            case '0' -> literal(0);
            case 'a' -> literal(0x07);
            case 'x' -> literal(hex(2));
            case 'u' -> literal(hex(4));
            case 'U' -> literal(hex(8));
            case 'b' -> {
                if (inClass) {
                    yield literal('\b');
                }
                at = start;
                throw error("word boundaries (\\b) are not supported");
            }
            case 'B', 'A', 'Z', 'z', 'G' -> {
                at = start;
                throw error("the assertion \\" + e + " is not supported");
            }
            case 'k' -> {
                at = start;
                throw error("backreferences are not supported");
            }
            default -> {
                if (e >= '1' && e <= '9') {
                    at = start;
                    throw error("backreferences are not supported");
                }
                if (Character.isLetterOrDigit(e)) {
                    at = start;
                    throw error("bad escape \\" + e);
                }
                yield literal(e);
            }
        };
    }

    private static GrammarExpr literal(int codePoint) {
        return new GrammarExpr.Literal(Character.toString(codePoint));
    }

    private int hex(int digits) {
        if (at + digits > pattern.length()) {
            throw error("incomplete escape");
        }
        try {
            int value = Integer.parseUnsignedInt(pattern, at, at + digits, 16);
            if (value > Utf8Ranges.MAX_CODE_POINT || value < 0) {
                throw error("bad escape: not a code point");
            }
            at += digits;
            return value;
        } catch (NumberFormatException e) {
            throw error("incomplete escape");
        }
    }

    private GrammarException error(String what) {
        return new GrammarException(what + " at position " + at);
    }
}
