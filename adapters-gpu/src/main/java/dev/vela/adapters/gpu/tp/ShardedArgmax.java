package dev.vela.adapters.gpu.tp;

/**
 * Greedy sampling over a vocab-parallel lm_head without gathering the logits (vLLM's
 * {@code get_top_tokens}): each rank finds the best of its real vocabulary columns
 * ({@link Backend#argmax}), the host takes the best of the ranks. Ties go to the lowest token id,
 * as a full-row argmax breaks them.
 */
public final class ShardedArgmax {

    private ShardedArgmax() {
    }

    /**
     * @param values       each rank's best logit
     * @param localIndices each rank's best column within its slice
     * @return the token id
     */
    public static int combine(ShardPlan plan, float[] values, int[] localIndices) {
        int best = -1;
        float bestValue = Float.NEGATIVE_INFINITY;
        for (int rank = 0; rank < plan.tensorParallelSize(); rank++) {
            if (plan.realVocabRows(rank) == 0) {
                continue;
            }
            if (best < 0 || values[rank] > bestValue) {
                best = plan.vocabStart(rank) + localIndices[rank];
                bestValue = values[rank];
            }
        }
        return best;
    }
}
