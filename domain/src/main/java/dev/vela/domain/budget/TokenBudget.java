package dev.vela.domain.budget;

import dev.vela.domain.error.InvalidRequestException;

/**
 * The {@code --max-model-len} arithmetic: how many tokens a request may generate, and vLLM's
 * error when the prompt and the requested completion do not fit.
 */
public record TokenBudget(int maxModelLen) {

    /** The OpenAI legacy completions API generates 16 tokens when {@code max_tokens} is not sent. */
    public static final int COMPLETIONS_DEFAULT_MAX_TOKENS = 16;
    private static final long PREFIX_CHARS_PER_TOKEN = 8;

    public TokenBudget {
        if (maxModelLen < 1) {
            throw new IllegalArgumentException("max-model-len must be at least 1, got " + maxModelLen);
        }
    }

    /**
     * The number of tokens to generate at most.
     *
     * @param promptTokens the prompt length in tokens
     * @param requested    {@code max_tokens} / {@code max_completion_tokens} as sent, or null
     * @param inputParam   the request field holding the prompt ({@code prompt} or {@code messages})
     * @return {@code requested}, or the rest of the context when it is null
     * @throws InvalidRequestException when the prompt fills the context or the request overflows it
     */
    public int maxTokens(int promptTokens, Integer requested, String inputParam) {
        if (promptTokens >= maxModelLen) {
            throw promptTooLong(String.valueOf(promptTokens), inputParam);
        }
        int remaining = maxModelLen - promptTokens;
        if (requested == null) {
            return remaining;
        }
        if (requested > remaining) {
            throw new InvalidRequestException("'max_tokens' or 'max_completion_tokens' is too large: "
                    + requested + ". This model's maximum context length is " + maxModelLen
                    + " tokens and your request has " + promptTokens + " input tokens (" + requested
                    + " > " + maxModelLen + " - " + promptTokens + ").", "max_tokens");
        }
        return requested;
    }

    /**
     * How many characters of a prompt are worth tokenizing on their own before the whole of it:
     * eight per token of context. Text runs from one (Chinese) to about four (English) characters
     * a token, so a start this long nearly always overflows the context, and tokenizing it costs
     * the same whatever the prompt's size.
     */
    public int prefixChars() {
        return (int) Math.min(Integer.MAX_VALUE - 1, PREFIX_CHARS_PER_TOKEN * maxModelLen);
    }

    /**
     * Refuses a prompt whose start alone fills the context, with vLLM's message; the count given is
     * the start's, which the whole prompt has at least.
     *
     * @param prefixTokens the tokens of a start of the prompt cut where {@link PromptPrefix} cuts
     * @param inputParam   the request field holding the prompt
     */
    public void checkPrefix(int prefixTokens, String inputParam) {
        if (prefixTokens >= maxModelLen) {
            throw promptTooLong("at least " + prefixTokens, inputParam);
        }
    }

    private InvalidRequestException promptTooLong(String promptTokens, String inputParam) {
        return new InvalidRequestException("This model's maximum context length is " + maxModelLen
                + " tokens. However, your request has " + promptTokens
                + " input tokens. Please reduce the length of the input messages.", inputParam);
    }
}
