package dev.vela.application.service;

import dev.vela.domain.budget.TokenBudget;
import dev.vela.domain.error.InvalidRequestException;
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

    /**
     * Fails with vLLM's 400 when a token id is outside the vocabulary; like vLLM it names the
     * largest id (a negative one, which vLLM's types reject, is named first).
     *
     * @param param the request field that holds the ids
     */
    void checkTokenIds(int[] ids, String param) {
        int max = 0;
        for (int id : ids) {
            if (id < 0) {
                throw outOfVocabulary(id, param);
            }
            max = Math.max(max, id);
        }
        if (max >= vocabularySize) {
            throw outOfVocabulary(max, param);
        }
    }

    private static InvalidRequestException outOfVocabulary(int id, String param) {
        return new InvalidRequestException("Token id " + id + " is out of vocabulary", param);
    }

    int[] eosIds() {
        return generation.eosTokenIds().stream().mapToInt(Integer::intValue).toArray();
    }
}
