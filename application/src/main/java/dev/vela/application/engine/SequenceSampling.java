package dev.vela.application.engine;

import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.sampling.SamplingParams;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

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

    /**
     * @throws InvalidRequestException when {@code allowed_token_ids} holds only tokens that end the
     *                                 sequence, which {@code min_tokens} forbids: no first token could be sampled
     */
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
        this.stopIds = IntStream.concat(Arrays.stream(eos), Arrays.stream(stops)).distinct().toArray();
        this.needsLogprobs = needsLogprobs;
        if (params.minTokens() > 0 && params.allowedTokenIds() != null
                && params.allowedTokenIds().stream().allMatch(id -> IntStream.of(stopIds).anyMatch(stop -> stop == id))) {
            throw new InvalidRequestException("allowed_token_ids " + params.allowedTokenIds()
                    + " holds only tokens that end the sequence (EOS or stop_token_ids), which min_tokens="
                    + params.minTokens() + " forbids: nothing could be sampled. Allow another token or drop min_tokens.",
                    "allowed_token_ids");
        }
    }
}
