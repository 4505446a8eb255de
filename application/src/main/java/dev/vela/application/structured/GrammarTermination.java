package dev.vela.application.structured;

import dev.vela.application.structured.GrammarExpr.Alternation;
import dev.vela.application.structured.GrammarExpr.CharClass;
import dev.vela.application.structured.GrammarExpr.Literal;
import dev.vela.application.structured.GrammarExpr.Ref;
import dev.vela.application.structured.GrammarExpr.Repeat;
import dev.vela.application.structured.GrammarExpr.Sequence;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Whether every rule of a {@link Grammar} can finish (derives some finite sentence) and no rule
 * reaches itself without reading a character (left recursion): either would let a constrained
 * model write forever, or hang the automaton that follows the grammar.
 */
final class GrammarTermination {

    private final Map<String, GrammarExpr> rules;
    private final Set<String> productive = new HashSet<>();
    private final Set<String> nullable = new HashSet<>();

    private GrammarTermination(Grammar grammar) {
        this.rules = grammar.rules();
    }

    /** The first rule that can never finish, or null when every rule can. */
    static String unfinishableRule(Grammar grammar) {
        GrammarTermination check = new GrammarTermination(grammar);
        check.fixPoints();
        return grammar.rules().keySet().stream().filter(name -> !check.productive.contains(name))
                .sorted().findFirst().orElse(null);
    }

    /** A rule that reaches itself without reading a character, or null when none does. */
    static String leftRecursiveRule(Grammar grammar) {
        GrammarTermination check = new GrammarTermination(grammar);
        check.fixPoints();
        Map<String, Set<String>> edges = new HashMap<>();
        grammar.rules().forEach((name, expr) -> {
            Set<String> first = new LinkedHashSet<>();
            check.leftmost(expr, first);
            edges.put(name, first);
        });
        // Depth-first search for a cycle, iterative so that long chains of rules cannot overflow the stack.
        Map<String, Boolean> onPath = new HashMap<>();
        for (String start : grammar.rules().keySet().stream().sorted().toList()) {
            if (onPath.containsKey(start)) {
                continue;
            }
            ArrayDeque<Iterator<String>> stack = new ArrayDeque<>();
            ArrayDeque<String> path = new ArrayDeque<>();
            onPath.put(start, true);
            path.push(start);
            stack.push(edges.get(start).iterator());
            while (!stack.isEmpty()) {
                Iterator<String> next = stack.peek();
                if (!next.hasNext()) {
                    stack.pop();
                    onPath.put(path.pop(), false);
                    continue;
                }
                String rule = next.next();
                Boolean state = onPath.get(rule);
                if (Boolean.TRUE.equals(state)) {
                    return rule;
                }
                if (state == null) {
                    onPath.put(rule, true);
                    path.push(rule);
                    stack.push(edges.get(rule).iterator());
                }
            }
        }
        return null;
    }

    private void fixPoints() {
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<String, GrammarExpr> rule : rules.entrySet()) {
                if (!productive.contains(rule.getKey()) && productive(rule.getValue())) {
                    productive.add(rule.getKey());
                    changed = true;
                }
                if (!nullable.contains(rule.getKey()) && nullable(rule.getValue())) {
                    nullable.add(rule.getKey());
                    changed = true;
                }
            }
        }
    }

    private boolean productive(GrammarExpr expr) {
        return switch (expr) {
            case Literal literal -> true;
            case CharClass chars -> true;
            case Ref ref -> productive.contains(ref.rule());
            case Sequence sequence -> sequence.items().stream().allMatch(this::productive);
            case Alternation alternation -> alternation.options().stream().anyMatch(this::productive);
            case Repeat repeat -> repeat.min() == 0 || productive(repeat.item());
        };
    }

    private boolean nullable(GrammarExpr expr) {
        return switch (expr) {
            case Literal literal -> literal.text().isEmpty();
            case CharClass chars -> false;
            case Ref ref -> nullable.contains(ref.rule());
            case Sequence sequence -> sequence.items().stream().allMatch(this::nullable);
            case Alternation alternation -> alternation.options().stream().anyMatch(this::nullable);
            case Repeat repeat -> repeat.min() == 0 || nullable(repeat.item());
        };
    }

    /** Adds to {@code out} the rules {@code expr} may enter before reading its first character. */
    private void leftmost(GrammarExpr expr, Set<String> out) {
        switch (expr) {
            case Literal literal -> { }
            case CharClass chars -> { }
            case Ref ref -> out.add(ref.rule());
            case Sequence sequence -> {
                for (GrammarExpr item : sequence.items()) {
                    leftmost(item, out);
                    if (!nullable(item)) {
                        break;
                    }
                }
            }
            case Alternation alternation -> alternation.options().forEach(option -> leftmost(option, out));
            case Repeat repeat -> leftmost(repeat.item(), out);
        }
    }
}
