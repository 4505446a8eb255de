package dev.vela.application.structured;

import java.util.Map;

/**
 * A context-free grammar over Unicode text: named rules, each an {@link GrammarExpr}, and the rule
 * a sentence starts from. Every front end (GBNF, regular expressions, choices, JSON Schema)
 * compiles to this form, and the token-mask engine compiles this form to its automaton.
 */
public record Grammar(String root, Map<String, GrammarExpr> rules) {

    public Grammar {
        rules = Map.copyOf(rules);
        if (!rules.containsKey(root)) {
            throw new IllegalArgumentException("the grammar has no rule named " + root);
        }
    }

    /** A grammar of one rule. */
    public static Grammar of(GrammarExpr root) {
        return new Grammar("root", Map.of("root", root));
    }

    public GrammarExpr rule(String name) {
        GrammarExpr expr = rules.get(name);
        if (expr == null) {
            throw new IllegalArgumentException("the grammar has no rule named " + name);
        }
        return expr;
    }
}
