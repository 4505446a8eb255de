package dev.vela.application.engine;

import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.sampling.SamplingParams;

/**
 * The engine's sampling of one sequence, usable without an engine or a model: the same processors
 * in the same order, the same seeded generator and the same count of seen tokens, over rows of
 * logits the caller supplies. What the engine does with the token afterwards (stop rules, text) is
 * not part of it.
 */
public final class SequenceSampler {

    private final Sampler sampler;
    private final SequenceSampling sequence;
    private final int topLogprobs;
    private int outputLength;

    /**
     * @param params   resolved as the engine resolves them (defaults applied, {@code max_tokens} set)
     * @param eosIds   the tokens that end the sequence, masked until {@code min_tokens} are generated
     * @throws InvalidRequestException when the parameters leave no first token to sample, as the engine refuses them
     */
    public SequenceSampler(int vocabularySize, SamplingParams params, int[] promptIds, int[] eosIds) {
        this.sampler = new Sampler(vocabularySize);
        this.sequence = new SequenceSampling(params, 0, promptIds, eosIds, params.logprobs() != null);
        this.topLogprobs = params.logprobs() == null ? 0 : params.logprobs();
    }

    /** Counts {@code token} as generated: the penalties see it and it counts towards {@code min_tokens}. */
    public void addOutput(int token) {
        sequence.outputTokens.add(token);
        outputLength++;
    }

    /**
     * The next token for a row of raw logits, which are changed in place; with {@code logprobs}
     * asked for, its log-probabilities are computed too, as the engine computes them. The token is
     * not added as output.
     */
    public int sample(float[] logits) {
        return sampler.sample(logits, sequence, outputLength, topLogprobs).token();
    }
}
