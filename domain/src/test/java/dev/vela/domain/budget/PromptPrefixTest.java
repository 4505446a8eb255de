package dev.vela.domain.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PromptPrefixTest {

    @Test
    void aPromptNoLongerThanThePrefixIsNotCut() {
        assertEquals(-1, PromptPrefix.end("one two three", 13));
    }

    @Test
    void theCutIsTheLastSpaceAfterAWordWithinTheLimit() {
        String text = "one two three four";
        assertEquals(7, PromptPrefix.end(text, 10), "before the space after 'two'");
    }

    @Test
    void aNewlineAfterADigitIsACutPoint() {
        assertEquals(5, PromptPrefix.end("12345\n789012", 8));
    }

    @Test
    void whitespaceAfterPunctuationOrWhitespaceIsNoCutPoint() {
        assertEquals(-1, PromptPrefix.end("abcd.  \n  xyzxyz", 9));
    }

    @Test
    void textWithoutACutPointInTheSecondHalfOfThePrefixIsNotCut() {
        assertEquals(-1, PromptPrefix.end("ab " + "x".repeat(40), 20));
    }
}
