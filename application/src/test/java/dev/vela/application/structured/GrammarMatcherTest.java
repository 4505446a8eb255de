package dev.vela.application.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GrammarMatcherTest {

    private static final int[] EOS = {ListTokenizer.EOS};

    /** Long enough to walk every state of these small grammars ahead. */
    static final long WALK_AHEAD = 10_000_000_000L;

    private static GrammarMatcher matcher(ListTokenizer tokenizer, Grammar grammar) {
        return new CompiledGrammar(grammar, TokenVocabulary.of(tokenizer, tokenizer.size()), 0).matcher();
    }

    /** The ids the matcher leaves finite. */
    private static List<Integer> allowed(GrammarMatcher matcher, ListTokenizer tokenizer) {
        float[] logits = new float[tokenizer.size()];
        matcher.restrict(logits, EOS);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] != Float.NEGATIVE_INFINITY) {
                ids.add(i);
            }
        }
        return ids;
    }

    @Test
    void onlyTokensWhoseBytesContinueTheRegexAreAllowed() {
        ListTokenizer tokenizer = new ListTokenizer(List.of("ab", "a", "b", "ba", "abc", "c"));
        GrammarMatcher matcher = matcher(tokenizer, RegexParser.parse("ab+c"));

        assertEquals(List.of(tokenizer.id("ab"), tokenizer.id("a"), tokenizer.id("abc")), allowed(matcher, tokenizer));
        matcher.accept(tokenizer.id("ab"));
        assertEquals(List.of(tokenizer.id("b"), tokenizer.id("c")), allowed(matcher, tokenizer));
    }

    @Test
    void endOfSequenceIsAllowedOnlyWhereTheGrammarMayEnd() {
        ListTokenizer tokenizer = new ListTokenizer(List.of("1", "2", "x"));
        GrammarMatcher matcher = matcher(tokenizer, RegexParser.parse("[0-9]+"));

        assertFalse(allowed(matcher, tokenizer).contains(ListTokenizer.EOS));
        matcher.accept(tokenizer.id("1"));
        assertTrue(allowed(matcher, tokenizer).contains(ListTokenizer.EOS));
        assertFalse(matcher.complete(), "more digits may follow");
    }

    @Test
    void aGrammarThatNothingCanExtendIsComplete() {
        ListTokenizer tokenizer = new ListTokenizer(List.of("yes", "no", "y", "es"));
        GrammarMatcher matcher = matcher(tokenizer, StructuredOutputs.grammarOf(
                new dev.vela.domain.structured.OutputConstraint.Choice(List.of("yes", "no"), "choice")));

        matcher.accept(tokenizer.id("y"));
        assertFalse(matcher.complete());
        matcher.accept(tokenizer.id("es"));
        assertTrue(matcher.complete());
    }

    @Test
    void aTokenMayEndInsideAUtf8Character() {
        ListTokenizer tokenizer = ListTokenizer.bytesAnd(List.of());
        GrammarMatcher matcher = matcher(tokenizer, RegexParser.parse("é+"));
        byte[] e = "é".getBytes(java.nio.charset.StandardCharsets.UTF_8);

        assertEquals(List.of(1 + (e[0] & 0xFF)), allowed(matcher, tokenizer), "only the first byte of é");
        matcher.accept(1 + (e[0] & 0xFF));
        assertEquals(List.of(1 + (e[1] & 0xFF)), allowed(matcher, tokenizer), "then only its second");
    }

    @Test
    void aTokenThatRunsPastTheEndOfANestedRuleIsCheckedAgainstWhatCalledIt() {
        ListTokenizer tokenizer = new ListTokenizer(List.of("[", "]", "],", "]]", "1", ","));
        GrammarMatcher matcher = matcher(tokenizer, GbnfParser.parse("""
                root ::= list
                list ::= "[" (item ("," item)*)? "]"
                item ::= "1" | list
                """));
        matcher.accept(tokenizer.id("["));
        matcher.accept(tokenizer.id("["));
        matcher.accept(tokenizer.id("1"));

        List<Integer> inner = allowed(matcher, tokenizer);
        assertTrue(inner.contains(tokenizer.id("],")) && inner.contains(tokenizer.id("]]")), "closing an inner list");
        matcher.accept(tokenizer.id("]]"));
        assertTrue(matcher.complete());
    }

    @Test
    void aTokenAllowedOnlyByTheFramesBelowTheCachedOnesKeepsItsLogit() {
        ListTokenizer tokenizer = new ListTokenizer(List.of("[", "]", "]]]]]]", "1", ","));
        GrammarMatcher matcher = matcher(tokenizer, GbnfParser.parse("""
                root ::= list
                list ::= "[" (item ("," item)*)? "]"
                item ::= "1" | list
                """));
        for (int i = 0; i < 6; i++) {
            matcher.accept(tokenizer.id("["));
        }
        matcher.accept(tokenizer.id("1"));
        float[] logits = new float[tokenizer.size()];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = i + 0.5f;
        }

        matcher.restrict(logits, EOS);

        // closing all six lists runs deeper than the frames a cached mask keeps
        int closeAll = tokenizer.id("]]]]]]");
        assertEquals(closeAll + 0.5f, logits[closeAll]);
        assertEquals(Float.NEGATIVE_INFINITY, logits[tokenizer.id("[")]);
        assertEquals(tokenizer.id("]") + 0.5f, logits[tokenizer.id("]")]);
    }

    @Test
    void aMaskKeptAsAFewIdsLeavesTheirLogitsAndWipesTheRest() {
        ListTokenizer tokenizer = ListTokenizer.bytesAnd(List.of("ab", "abc"));
        GrammarMatcher matcher = matcher(tokenizer, RegexParser.parse("abc"));
        float[] logits = new float[tokenizer.size()];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = i + 0.5f;
        }

        matcher.restrict(logits, EOS);

        List<Integer> allowed = new ArrayList<>();
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] != Float.NEGATIVE_INFINITY) {
                assertEquals(i + 0.5f, logits[i]);
                allowed.add(i);
            }
        }
        assertEquals(List.of(tokenizer.id("a"), tokenizer.id("ab"), tokenizer.id("abc")), allowed);
    }

    @Test
    void atTheOutermostLevelNothingMayFollowTheEnd() {
        ListTokenizer tokenizer = new ListTokenizer(List.of("[", "]", "],", "]]", "1", ","));
        GrammarMatcher matcher = matcher(tokenizer, GbnfParser.parse("""
                root ::= list
                list ::= "[" (item ("," item)*)? "]"
                item ::= "1" | list
                """));
        matcher.accept(tokenizer.id("["));

        List<Integer> outer = allowed(matcher, tokenizer);
        assertFalse(outer.contains(tokenizer.id("],")) || outer.contains(tokenizer.id("]]")));
        assertTrue(outer.contains(tokenizer.id("]")));
    }

    @Test
    void aTokenOutsideTheGrammarIsRefused() {
        ListTokenizer tokenizer = new ListTokenizer(List.of("a", "b"));
        GrammarMatcher matcher = matcher(tokenizer, RegexParser.parse("a"));

        assertThrows(IllegalStateException.class, () -> matcher.accept(tokenizer.id("b")));
    }

    @Test
    void aGrammarTheVocabularyCannotContinueFailsTheStepInsteadOfSamplingAnything() {
        ListTokenizer tokenizer = new ListTokenizer(List.of("a", "ab"));
        GrammarMatcher matcher = matcher(tokenizer, RegexParser.parse("b"));

        assertThrows(IllegalStateException.class, () -> matcher.restrict(new float[tokenizer.size()], EOS));
    }

    @Test
    void randomWalksThroughTheMasksEndInSentencesTheReferenceAccepts() {
        ListTokenizer tokenizer = ListTokenizer.bytesAnd(List.of("[1", ",[", "]]", "],", "12", "[]", "\"a\"", "é\""));
        Grammar grammar = GbnfParser.parse("""
                root ::= value
                value ::= list | [0-9]+ | "\\"" [^"\\\\]* "\\""
                list ::= "[" (value ("," value)*)? "]"
                """);
        ReferenceRecognizer reference = new ReferenceRecognizer(grammar);
        CompiledGrammar compiled = new CompiledGrammar(grammar, TokenVocabulary.of(tokenizer, tokenizer.size()), 0);
        CompiledGrammar walkedAhead = new CompiledGrammar(grammar, TokenVocabulary.of(tokenizer, tokenizer.size()),
                WALK_AHEAD);
        SplittableRandom random = new SplittableRandom(7);
        int ended = 0;
        for (int walk = 0; walk < 300; walk++) {
            GrammarMatcher matcher = compiled.matcher();
            GrammarMatcher ahead = walkedAhead.matcher();
            List<Integer> ids = new ArrayList<>();
            for (int step = 0; step < 40 && !matcher.complete(); step++) {
                List<Integer> options = allowed(matcher, tokenizer);
                // masks walked when the grammar was compiled are those walked when first needed
                assertEquals(options, allowed(ahead, tokenizer), ids.toString());
                int token = options.get(random.nextInt(options.size()));
                if (token == ListTokenizer.EOS) {
                    break;
                }
                matcher.accept(token);
                ahead.accept(token);
                ids.add(token);
            }
            if (matcher.canEnd()) {
                ended++;
                String text = tokenizer.decode(ids.stream().mapToInt(Integer::intValue).toArray(), false);
                assertTrue(reference.accepts(text), text);
            }
        }
        assertTrue(ended > 50, "enough walks ended: " + ended);
    }
}
