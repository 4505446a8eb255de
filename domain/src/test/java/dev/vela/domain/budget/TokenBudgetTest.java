package dev.vela.domain.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vela.domain.error.InvalidRequestException;
import org.junit.jupiter.api.Test;

class TokenBudgetTest {

    private final TokenBudget budget = new TokenBudget(8192);

    @Test
    void withoutMaxTokensTheRestOfTheContextIsAvailable() {
        assertEquals(8192 - 100, budget.maxTokens(100, null, "messages"));
    }

    @Test
    void requestedMaxTokensThatFitAreKept() {
        assertEquals(16, budget.maxTokens(100, 16, "prompt"));
        assertEquals(92, budget.maxTokens(8100, 92, "prompt"), "exactly filling the context is allowed");
    }

    @Test
    void promptPlusMaxTokensOverTheLimitIsRejectedNamingMaxTokens() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> budget.maxTokens(8100, 100, "prompt"));
        assertEquals("'max_tokens' or 'max_completion_tokens' is too large: 100. This model's maximum context length "
                + "is 8192 tokens and your request has 8100 input tokens (100 > 8192 - 8100).", e.getMessage());
        assertEquals("max_tokens", e.param());
    }

    @Test
    void aPromptThatFillsTheContextIsRejected() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> budget.maxTokens(8192, null, "messages"));
        assertEquals("This model's maximum context length is 8192 tokens. However, your request has 8192 input tokens. "
                + "Please reduce the length of the input messages.", e.getMessage());
        assertEquals("messages", e.param());
    }

    @Test
    void aPrefixThatFillsTheContextRefusesThePromptWithVllmsMessage() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> budget.checkPrefix(8192, "prompt"));
        assertEquals("This model's maximum context length is 8192 tokens. However, your request has at least 8192 "
                + "input tokens. Please reduce the length of the input messages.", e.getMessage());
        assertEquals("prompt", e.param());
    }

    @Test
    void aPrefixShorterThanTheContextDecidesNothing() {
        budget.checkPrefix(8191, "messages");
    }

    @Test
    void thePrefixIsEightCharactersPerTokenOfContext() {
        assertEquals(8 * 8192, budget.prefixChars());
        assertEquals(Integer.MAX_VALUE - 1, new TokenBudget(Integer.MAX_VALUE).prefixChars());
    }
}
