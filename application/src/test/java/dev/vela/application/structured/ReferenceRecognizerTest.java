package dev.vela.application.structured;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.application.structured.GrammarExpr.Alternation;
import dev.vela.application.structured.GrammarExpr.CharClass;
import dev.vela.application.structured.GrammarExpr.Literal;
import dev.vela.application.structured.GrammarExpr.Ref;
import dev.vela.application.structured.GrammarExpr.Repeat;
import dev.vela.application.structured.GrammarExpr.Sequence;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReferenceRecognizerTest {

    private static final CharClass DIGIT = new CharClass(new int[] {'0', '9'}, false);

    @Test
    void acceptsOnlyWholeSentencesOfARecursiveGrammar() {
        // list ::= "[" (item ("," item)*)? "]" ; item ::= [0-9]+ | list
        Grammar grammar = new Grammar("list", Map.of(
                "list", new Sequence(List.of(new Literal("["),
                        new Repeat(new Sequence(List.of(new Ref("item"),
                                new Repeat(new Sequence(List.of(new Literal(","), new Ref("item"))), 0, Repeat.UNBOUNDED))),
                                0, 1),
                        new Literal("]"))),
                "item", new Alternation(List.of(new Repeat(DIGIT, 1, Repeat.UNBOUNDED), new Ref("list")))));
        ReferenceRecognizer recognizer = new ReferenceRecognizer(grammar);

        assertTrue(recognizer.accepts("[]"));
        assertTrue(recognizer.accepts("[12,[3,[]],45]"));
        assertFalse(recognizer.accepts("[12,]"));
        assertFalse(recognizer.accepts("[12"));
        assertFalse(recognizer.accepts("[1]]"));
    }

    @Test
    void boundedRepetitionCountsCodePoints() {
        ReferenceRecognizer recognizer = new ReferenceRecognizer(Grammar.of(
                new Repeat(new CharClass(new int[] {'a', 'a'}, true), 2, 3)));

        assertFalse(recognizer.accepts("é"));
        assertTrue(recognizer.accepts("é😀"));
        assertTrue(recognizer.accepts("xyz"));
        assertFalse(recognizer.accepts("xyzw"));
        assertFalse(recognizer.accepts("xa"));
    }
}
