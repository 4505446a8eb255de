package dev.vela.application.service;

import dev.vela.domain.budget.TokenBudget;
import dev.vela.domain.error.NotFoundException;
import dev.vela.domain.generation.GenerationConfig;
import dev.vela.domain.model.ModelCard;

/**
 * The model this server answers to: its card, its generation defaults and its context budget.
 *
 * @param vocabularySize the model's embedding rows, against which request token ids are checked
 */
public record ServedModel(ModelCard card, GenerationConfig generation, TokenBudget budget, int vocabularySize) {

    /** Fails with vLLM's 404 unless {@code requested} names this model (or nothing). */
    void check(String requested) {
        if (!card.answersTo(requested)) {
            throw NotFoundException.model(requested);
        }
    }

    int[] eosIds() {
        return generation.eosTokenIds().stream().mapToInt(Integer::intValue).toArray();
    }
}
