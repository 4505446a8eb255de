package dev.vela.application.structured;

import dev.vela.application.structured.GrammarExpr.Alternation;
import dev.vela.application.structured.GrammarExpr.CharClass;
import dev.vela.application.structured.GrammarExpr.Literal;
import dev.vela.application.structured.GrammarExpr.Ref;
import dev.vela.application.structured.GrammarExpr.Repeat;
import dev.vela.application.structured.GrammarExpr.Sequence;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the grammar of some text into the grammar of that text written inside a JSON string:
 * literals escaped, and character classes split into the characters JSON writes as they are and
 * the two ({@code "} and {@code \}) it escapes. Control characters, which JSON escapes in several
 * ways, are left out of classes.
 */
final class JsonStringContent {

    private JsonStringContent() {
    }

    static GrammarExpr of(GrammarExpr text) {
        return switch (text) {
            case Literal literal -> new Literal(JsonLexicon.escape(literal.text()));
            case CharClass chars -> escapedClass(chars);
            case Sequence sequence -> new Sequence(sequence.items().stream().map(JsonStringContent::of).toList());
            case Alternation alternation -> new Alternation(alternation.options().stream().map(JsonStringContent::of).toList());
            case Repeat repeat -> new Repeat(of(repeat.item()), repeat.min(), repeat.max());
            case Ref ref -> throw new IllegalArgumentException("a regular expression's grammar has no rules to refer to");
        };
    }

    private static GrammarExpr escapedClass(CharClass chars) {
        int[] wanted = positive(chars);
        int[] plain = JsonLexicon.PLAIN_CHAR.ranges();
        List<Integer> bounds = new ArrayList<>();
        for (int i = 0; i < wanted.length; i += 2) {
            for (int j = 0; j < plain.length; j += 2) {
                int from = Math.max(wanted[i], plain[j]);
                int to = Math.min(wanted[i + 1], plain[j + 1]);
                if (from <= to) {
                    bounds.add(from);
                    bounds.add(to);
                }
            }
        }
        List<GrammarExpr> options = new ArrayList<>();
        if (!bounds.isEmpty()) {
            options.add(new CharClass(bounds.stream().mapToInt(Integer::intValue).toArray(), false));
        }
        if (chars.matches('"')) {
            options.add(new Literal("\\\""));
        }
        if (chars.matches('\\')) {
            options.add(new Literal("\\\\"));
        }
        if (options.isEmpty()) {
            throw new IllegalArgumentException("a character class holds only control characters");
        }
        return options.size() == 1 ? options.getFirst() : new Alternation(options);
    }

    /** The class's code points as sorted, disjoint inclusive ranges (the complement, for a negated class). */
    private static int[] positive(CharClass chars) {
        int[] ranges = chars.ranges();
        List<int[]> sorted = new ArrayList<>();
        for (int i = 0; i < ranges.length; i += 2) {
            sorted.add(new int[] {ranges[i], ranges[i + 1]});
        }
        sorted.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<Integer> merged = new ArrayList<>();
        for (int[] range : sorted) {
            int last = merged.size() - 1;
            if (last > 0 && range[0] <= merged.get(last) + 1) {
                merged.set(last, Math.max(merged.get(last), range[1]));
            } else {
                merged.add(range[0]);
                merged.add(range[1]);
            }
        }
        if (!chars.negated()) {
            return merged.stream().mapToInt(Integer::intValue).toArray();
        }
        List<Integer> complement = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < merged.size(); i += 2) {
            if (merged.get(i) > from) {
                complement.add(from);
                complement.add(merged.get(i) - 1);
            }
            from = Math.max(from, merged.get(i + 1) + 1);
        }
        if (from <= Character.MAX_CODE_POINT) {
            complement.add(from);
            complement.add(Character.MAX_CODE_POINT);
        }
        return complement.stream().mapToInt(Integer::intValue).toArray();
    }
}
