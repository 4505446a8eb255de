package dev.vela.application.structured;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a grammar in llama.cpp's GBNF dialect (which xgrammar's EBNF shares) into a
 * {@link Grammar} starting at rule {@code root}: {@code name ::= ...} rules, {@code "literals"},
 * {@code [a-z]} and {@code [^"]} classes, {@code .}, backslash escapes (x, u and U with hexadecimal digits; t, n, r), grouping,
 * {@code |}, {@code ? * +}, {@code {m} {m,} {m,n} {,n}} and {@code #} comments. A rule may span
 * lines: it ends where the next {@code name ::=} begins. Errors say the line and column.
 */
public final class GbnfParser {

    /** Repetition bounds above this are refused outright (the automaton's size cap catches the rest). */
    static final int MAX_REPEAT = 100_000;

    private final String text;
    private int at;
    private final Map<String, Integer> references = new LinkedHashMap<>();

    private GbnfParser(String text) {
        this.text = text;
    }

    /** @throws GrammarException naming the line and column of the first error */
    public static Grammar parse(String text) {
        return new GbnfParser(text).grammar();
    }

    private Grammar grammar() {
        Map<String, GrammarExpr> rules = new LinkedHashMap<>();
        skipSpace();
        while (at < text.length()) {
            int nameAt = at;
            String name = name();
            skipSpace();
            if (!text.startsWith("::=", at)) {
                throw error("expected ::= after rule name " + name);
            }
            at += 3;
            GrammarExpr body = alternation();
            if (rules.put(name, body) != null) {
                at = nameAt;
                throw error("rule " + name + " is defined twice");
            }
            skipSpace();
        }
        if (!rules.containsKey("root")) {
            throw new GrammarException("the grammar has no rule named root, where every sentence starts");
        }
        for (Map.Entry<String, Integer> reference : references.entrySet()) {
            if (!rules.containsKey(reference.getKey())) {
                at = reference.getValue();
                throw error("undefined rule " + reference.getKey());
            }
        }
        return new Grammar("root", rules);
    }

    private GrammarExpr alternation() {
        List<GrammarExpr> options = new ArrayList<>();
        options.add(sequence());
        while (at < text.length() && text.charAt(at) == '|') {
            at++;
            options.add(sequence());
        }
        return options.size() == 1 ? options.getFirst() : new GrammarExpr.Alternation(options);
    }

    private GrammarExpr sequence() {
        List<GrammarExpr> items = new ArrayList<>();
        while (true) {
            skipSpace();
            if (at >= text.length() || text.charAt(at) == '|' || text.charAt(at) == ')' || startsRule()) {
                break;
            }
            items.add(postfix(primary()));
        }
        return items.size() == 1 ? items.getFirst() : new GrammarExpr.Sequence(items);
    }

    private GrammarExpr primary() {
        char c = text.charAt(at);
        if (c == '"') {
            at++;
            StringBuilder literal = new StringBuilder();
            while (true) {
                if (at >= text.length()) {
                    throw error("unterminated string literal");
                }
                if (text.charAt(at) == '"') {
                    at++;
                    return new GrammarExpr.Literal(literal.toString());
                }
                literal.appendCodePoint(character());
            }
        }
        if (c == '[') {
            return charClass();
        }
        if (c == '.') {
            at++;
            return new GrammarExpr.CharClass(new int[0], true);
        }
        if (c == '(') {
            at++;
            GrammarExpr inner = alternation();
            skipSpace();
            if (at >= text.length() || text.charAt(at) != ')') {
                throw error("expected ) to close the group");
            }
            at++;
            return inner;
        }
        if (isNameChar(c)) {
            int from = at;
            String name = name();
            references.putIfAbsent(name, from);
            return new GrammarExpr.Ref(name);
        }
        throw error("unexpected character '" + c + "'");
    }

    private GrammarExpr postfix(GrammarExpr item) {
        GrammarExpr result = item;
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '*') {
                result = new GrammarExpr.Repeat(result, 0, GrammarExpr.Repeat.UNBOUNDED);
            } else if (c == '+') {
                result = new GrammarExpr.Repeat(result, 1, GrammarExpr.Repeat.UNBOUNDED);
            } else if (c == '?') {
                result = new GrammarExpr.Repeat(result, 0, 1);
            } else if (c == '{') {
                result = bounded(result);
                continue;
            } else {
                break;
            }
            at++;
        }
        return result;
    }

    private GrammarExpr bounded(GrammarExpr item) {
        int open = at++;
        skipBlanks();
        int min = text.startsWith(",", at) ? 0 : number();
        skipBlanks();
        int max = min;
        if (text.startsWith(",", at)) {
            at++;
            skipBlanks();
            max = at < text.length() && Character.isDigit(text.charAt(at)) ? number() : GrammarExpr.Repeat.UNBOUNDED;
            skipBlanks();
        }
        if (!text.startsWith("}", at)) {
            throw error("expected } to close the repetition");
        }
        at++;
        if (max != GrammarExpr.Repeat.UNBOUNDED && max < min) {
            at = open;
            throw error("the repetition {" + min + "," + max + "} has its maximum below its minimum");
        }
        return new GrammarExpr.Repeat(item, min, max);
    }

    private int number() {
        int from = at;
        while (at < text.length() && Character.isDigit(text.charAt(at))) {
            at++;
        }
        if (from == at) {
            throw error("expected a number in the repetition");
        }
        if (at - from > 6 || Integer.parseInt(text, from, at, 10) > MAX_REPEAT) {
            at = from;
            throw error("repetition counts above " + MAX_REPEAT + " are not supported");
        }
        return Integer.parseInt(text, from, at, 10);
    }

    private GrammarExpr charClass() {
        at++;
        boolean negated = at < text.length() && text.charAt(at) == '^';
        if (negated) {
            at++;
        }
        List<Integer> ranges = new ArrayList<>();
        while (true) {
            if (at >= text.length()) {
                throw error("unterminated character class");
            }
            if (text.charAt(at) == ']') {
                at++;
                break;
            }
            int from = character();
            int to = from;
            if (at + 1 < text.length() && text.charAt(at) == '-' && text.charAt(at + 1) != ']') {
                at++;
                to = character();
                if (to < from) {
                    throw error("the character range ends before it starts");
                }
            }
            ranges.add(from);
            ranges.add(to);
        }
        return new GrammarExpr.CharClass(ranges.stream().mapToInt(Integer::intValue).toArray(), negated);
    }

    /** One character of a literal or class, escapes decoded. */
    private int character() {
        int c = text.codePointAt(at);
        at += Character.charCount(c);
        if (c != '\\') {
            return c;
        }
        if (at >= text.length()) {
            throw error("the grammar ends inside an escape");
        }
        char e = text.charAt(at++);
        return switch (e) {
            case 'x' -> hex(2);
            case 'u' -> hex(4);
            case 'U' -> hex(8);
            case 't' -> '\t';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 'f' -> '\f';
            case 'v' -> 0x0B;
            case '0' -> 0;
            default -> {
                if (Character.isLetterOrDigit(e)) {
                    at -= 2;
                    throw error("unknown escape \\" + e);
                }
                yield e;
            }
        };
    }

    private int hex(int digits) {
        if (at + digits > text.length()) {
            throw error("expected " + digits + " hexadecimal digits");
        }
        int value;
        try {
            value = Integer.parseUnsignedInt(text, at, at + digits, 16);
        } catch (NumberFormatException e) {
            throw error("expected " + digits + " hexadecimal digits");
        }
        if (value > Utf8Ranges.MAX_CODE_POINT || value < 0 || (value >= 0xD800 && value <= 0xDFFF)) {
            throw error("\\U" + Integer.toHexString(value) + " is not a Unicode scalar value");
        }
        at += digits;
        return value;
    }

    private String name() {
        int from = at;
        while (at < text.length() && isNameChar(text.charAt(at))) {
            at++;
        }
        if (from == at) {
            throw error("expected a rule name");
        }
        return text.substring(from, at);
    }

    /** At a name followed by {@code ::=}: the next rule starts here. */
    private boolean startsRule() {
        int i = at;
        while (i < text.length() && isNameChar(text.charAt(i))) {
            i++;
        }
        if (i == at) {
            return false;
        }
        while (i < text.length() && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
            i++;
        }
        return text.startsWith("::=", i);
    }

    private static boolean isNameChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_';
    }

    /** Whitespace, newlines and comments. */
    private void skipSpace() {
        while (at < text.length()) {
            char c = text.charAt(at);
            if (c == '#') {
                while (at < text.length() && text.charAt(at) != '\n') {
                    at++;
                }
            } else if (Character.isWhitespace(c)) {
                at++;
            } else {
                return;
            }
        }
    }

    private void skipBlanks() {
        while (at < text.length() && (text.charAt(at) == ' ' || text.charAt(at) == '\t')) {
            at++;
        }
    }

    private GrammarException error(String what) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < Math.min(at, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new GrammarException(what + " at line " + line + ", column " + column);
    }
}
