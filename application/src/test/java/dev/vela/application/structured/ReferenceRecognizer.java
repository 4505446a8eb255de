package dev.vela.application.structured;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * An independent check that a text is a sentence of a {@link Grammar}: the set of positions each
 * expression can end at, memoised per rule and start. Slow and simple on purpose; it shares no
 * code with the token-mask engine it checks. Left-recursive rules are not supported.
 */
public final class ReferenceRecognizer {

    private final Grammar grammar;
    private final Map<String, Set<Integer>> memo = new HashMap<>();
    private final Set<String> inProgress = new HashSet<>();
    private int[] text;

    public ReferenceRecognizer(Grammar grammar) {
        this.grammar = grammar;
    }

    /** True when the whole of {@code sentence} is derived from the grammar's root. */
    public synchronized boolean accepts(String sentence) {
        text = sentence.codePoints().toArray();
        memo.clear();
        inProgress.clear();
        return ends(grammar.rule(grammar.root()), Set.of(0)).contains(text.length);
    }

    private Set<Integer> ends(GrammarExpr expr, Set<Integer> starts) {
        Set<Integer> out = new TreeSet<>();
        for (int start : starts) {
            out.addAll(endsFrom(expr, start));
        }
        return out;
    }

    private Set<Integer> endsFrom(GrammarExpr expr, int start) {
        return switch (expr) {
            case GrammarExpr.Literal literal -> {
                int[] want = literal.text().codePoints().toArray();
                if (start + want.length > text.length) {
                    yield Set.of();
                }
                for (int i = 0; i < want.length; i++) {
                    if (text[start + i] != want[i]) {
                        yield Set.of();
                    }
                }
                yield Set.of(start + want.length);
            }
            case GrammarExpr.CharClass chars ->
                    start < text.length && chars.matches(text[start]) ? Set.of(start + 1) : Set.of();
            case GrammarExpr.Ref ref -> rule(ref.rule(), start);
            case GrammarExpr.Sequence sequence -> {
                Set<Integer> at = Set.of(start);
                for (GrammarExpr item : sequence.items()) {
                    at = ends(item, at);
                    if (at.isEmpty()) {
                        break;
                    }
                }
                yield at;
            }
            case GrammarExpr.Alternation alternation -> {
                Set<Integer> at = new TreeSet<>();
                for (GrammarExpr option : alternation.options()) {
                    at.addAll(endsFrom(option, start));
                }
                yield at;
            }
            case GrammarExpr.Repeat repeat -> {
                Set<Integer> reached = new TreeSet<>();
                Set<Integer> frontier = Set.of(start);
                if (repeat.min() == 0) {
                    reached.add(start);
                }
                for (int count = 1; repeat.max() == GrammarExpr.Repeat.UNBOUNDED || count <= repeat.max(); count++) {
                    Set<Integer> next = ends(repeat.item(), frontier);
                    if (count >= repeat.min()) {
                        next.removeAll(reached);
                        reached.addAll(next);
                    }
                    if (next.isEmpty()) {
                        break;
                    }
                    frontier = next;
                }
                yield reached;
            }
        };
    }

    private Set<Integer> rule(String name, int start) {
        String key = name + "@" + start;
        Set<Integer> known = memo.get(key);
        if (known != null) {
            return known;
        }
        if (!inProgress.add(key)) {
            throw new IllegalStateException("left recursion through rule " + name);
        }
        Set<Integer> result = endsFrom(grammar.rule(name), start);
        inProgress.remove(key);
        memo.put(key, result);
        return result;
    }
}
