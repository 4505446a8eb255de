package dev.vela.application.service;

import dev.vela.application.port.out.Tokenizer;
import dev.vela.domain.budget.PromptPrefix;
import dev.vela.domain.budget.TokenBudget;

/**
 * Tokenizes the prompt of a generation request. A prompt far longer than the context is refused
 * after tokenizing only its start (see {@link PromptPrefix}), so a prompt of megabytes costs what a
 * prompt of a few times the context costs; every other prompt is tokenized whole, as before, and
 * its length checked by the token budget once it is known.
 */
final class PromptEncoder {

    private final Tokenizer tokenizer;
    private final TokenBudget budget;

    PromptEncoder(Tokenizer tokenizer, TokenBudget budget) {
        this.tokenizer = tokenizer;
        this.budget = budget;
    }

    /**
     * @param inputParam the request field holding the prompt, named when it is too long
     */
    int[] encode(String text, boolean addSpecialTokens, String inputParam) {
        int cut = PromptPrefix.end(text, budget.prefixChars());
        if (cut > 0) {
            budget.checkPrefix(tokenizer.encode(text.substring(0, cut), addSpecialTokens).length, inputParam);
        }
        return tokenizer.encode(text, addSpecialTokens);
    }
}
