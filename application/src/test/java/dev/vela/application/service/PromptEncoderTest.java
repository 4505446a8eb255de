package dev.vela.application.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vela.application.port.out.Tokenizer;
import dev.vela.domain.budget.TokenBudget;
import dev.vela.domain.error.InvalidRequestException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromptEncoderTest {

    /** One token per word (its length), BOS (0) in front when asked; remembers the length of every text it encodes. */
    private static final class WordTokenizer implements Tokenizer {

        final List<Integer> encoded = new ArrayList<>();

        @Override
        public int[] encode(String text, boolean addSpecialTokens) {
            encoded.add(text.length());
            int[] words = Arrays.stream(text.split("\\s+")).filter(w -> !w.isEmpty()).mapToInt(String::length).toArray();
            if (!addSpecialTokens) {
                return words;
            }
            int[] ids = new int[words.length + 1];
            System.arraycopy(words, 0, ids, 1, words.length);
            return ids;
        }

        @Override
        public String decode(int[] ids, boolean skipSpecialTokens) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] tokenBytes(int id) {
            return new byte[0];
        }

        @Override
        public String tokenString(int id) {
            return null;
        }

        @Override
        public boolean isSpecial(int id) {
            return id == 0;
        }

        @Override
        public int size() {
            return 100;
        }
    }

    private final WordTokenizer tokenizer = new WordTokenizer();
    private final PromptEncoder encoder = new PromptEncoder(tokenizer, new TokenBudget(16));

    @Test
    void aPromptWhoseStartFillsTheContextIsRefusedWithoutTokenizingTheRest() {
        String prompt = "ab ".repeat(1_000_000);
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> encoder.encode(prompt, true, "prompt"));
        assertEquals("prompt", e.param());
        assertEquals(List.of(128), tokenizer.encoded, "only the first 8 x 16 characters, cut after a word");
    }

    @Test
    void aLongPromptThatFitsGetsTheTokensOfTheWholeText() {
        String prompt = "x".repeat(100) + " " + "y".repeat(100) + " " + "z".repeat(100);
        int[] ids = encoder.encode(prompt, true, "prompt");
        assertArrayEquals(new int[] {0, 100, 100, 100}, ids);
        assertEquals(List.of(100, prompt.length()), tokenizer.encoded, "the start first, then the whole prompt");
    }

    @Test
    void aPromptNoLongerThanThePrefixIsTokenizedOnce() {
        assertArrayEquals(new int[] {2, 5}, encoder.encode("hi there", false, "messages"));
        assertEquals(List.of(8), tokenizer.encoded);
    }
}
