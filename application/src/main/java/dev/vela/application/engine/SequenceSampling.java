package dev.vela.application.engine;

import dev.vela.domain.sampling.SamplingParams;
import java.util.SplittableRandom;

/**
 * What the sampler keeps for one sequence: its resolved parameters, its random generator, the
 * tokens of its prompt and output counted for the penalties, and the ids that end it.
 */
final class SequenceSampling {

    final SamplingParams params;
    final SplittableRandom random;
    final TokenCounts promptTokens;
    final TokenCounts outputTokens = new TokenCounts();
    final int[] stopIds;
    final boolean needsLogprobs;

    SequenceSampling(SamplingParams params, int choice, int[] promptIds, int[] eosIds, boolean needsLogprobs) {
        this.params = params;
        this.random = params.seed() == null
                ? new SplittableRandom()
                : new SplittableRandom(params.seed() * 0x9E3779B97F4A7C15L + choice);
        if (params.repetitionPenalty() != null && params.repetitionPenalty() != 1.0) {
            promptTokens = new TokenCounts();
            for (int id : promptIds) {
                promptTokens.add(id);
            }
        } else {
            promptTokens = null;
        }
        int[] stops = params.stopTokenIds().stream().mapToInt(Integer::intValue).toArray();
        int[] eos = params.ignoreEos() ? new int[0] : eosIds;
        this.stopIds = java.util.stream.IntStream.concat(java.util.Arrays.stream(eos), java.util.Arrays.stream(stops))
                .distinct().toArray();
        this.needsLogprobs = needsLogprobs;
    }
}
