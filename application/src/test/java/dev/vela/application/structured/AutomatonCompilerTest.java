package dev.vela.application.structured;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.application.structured.GrammarExpr.Literal;
import dev.vela.application.structured.GrammarExpr.Repeat;
import org.junit.jupiter.api.Test;

class AutomatonCompilerTest {

    @Test
    void aHugeBoundedRepetitionIsRefusedInsteadOfUnrolled() {
        GrammarException refused = assertThrows(GrammarException.class,
                () -> AutomatonCompiler.compile(Grammar.of(new Repeat(new Literal("ab"), 0, 1_000_000))));
        assertTrue(refused.getMessage().contains("too large"), refused.getMessage());
    }

    @Test
    void nestedRepetitionsThatMultiplyAreRefusedToo() {
        assertThrows(GrammarException.class, () -> AutomatonCompiler.compile(RegexParser.parse("((a{0,1000}){0,1000}){0,1000}")));
    }

    @Test
    void leftRecursionIsRefusedByRuleName() {
        GrammarException refused = assertThrows(GrammarException.class,
                () -> AutomatonCompiler.compile(GbnfParser.parse("root ::= expr\nexpr ::= expr \"+\" \"1\" | \"1\"")));
        assertTrue(refused.getMessage().contains("expr") && refused.getMessage().contains("left-recursive"), refused.getMessage());
    }

    @Test
    void leftRecursionThroughANullablePrefixIsRefused() {
        assertThrows(GrammarException.class,
                () -> AutomatonCompiler.compile(GbnfParser.parse("root ::= a\na ::= \"x\"? a \"y\" | \"z\"")));
    }

    @Test
    void aRootThatNeverEndsIsRefused() {
        GrammarException refused = assertThrows(GrammarException.class,
                () -> AutomatonCompiler.compile(GbnfParser.parse("root ::= \"a\" root")));
        assertTrue(refused.getMessage().contains("no finite text"), refused.getMessage());
    }

    @Test
    void aBranchThatNeverEndsIsDroppedSoNoSequenceCanBeTrappedInIt() {
        ListTokenizer tokenizer = new ListTokenizer(java.util.List.of("a", "b"));
        GrammarMatcher matcher = new CompiledGrammar(GbnfParser.parse("root ::= \"b\" | loop\nloop ::= \"a\" loop"),
                TokenVocabulary.of(tokenizer, tokenizer.size()), GrammarMatcherTest.WALK_AHEAD).matcher();
        float[] logits = new float[tokenizer.size()];
        matcher.restrict(logits, new int[] {ListTokenizer.EOS});
        assertTrue(logits[tokenizer.id("a")] == Float.NEGATIVE_INFINITY && logits[tokenizer.id("b")] == 0f);
    }

    @Test
    void aLiteralWithALoneSurrogateIsRefused() {
        assertThrows(GrammarException.class, () -> AutomatonCompiler.compile(Grammar.of(new Literal("a\uD800"))));
    }
}
