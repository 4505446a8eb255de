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
        CharClass plain = CharClasses.intersection(chars, JsonLexicon.PLAIN_CHAR);
        List<GrammarExpr> options = new ArrayList<>();
        if (plain != null) {
            options.add(plain);
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
}
