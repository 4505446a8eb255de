package dev.vela.domain.budget;

import dev.vela.domain.error.InvalidRequestException;

/**
 * The {@code --max-model-len} arithmetic: how many tokens a request may generate, and vLLM's
 * error when the prompt and the requested completion do not fit.
 */
public record TokenBudget(int maxModelLen) {

    /** The OpenAI legacy completions API generates 16 tokens when {@code max_tokens} is not sent. */
    public static final int COMPLETIONS_DEFAULT_MAX_TOKENS = 16;

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
            throw new InvalidRequestException("This model's maximum context length is " + maxModelLen
                    + " tokens. However, your request has " + promptTokens
                    + " input tokens. Please reduce the length of the input messages.", inputParam);
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
}
