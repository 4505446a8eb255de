package dev.vela.application.engine;

/**
 * Limits of the engine, with vLLM's flag names.
 *
 * @param maxModelLen          {@code --max-model-len}: prompt plus output, per sequence
 * @param maxNumSeqs           {@code --max-num-seqs}: sequences in one step at most
 * @param maxNumBatchedTokens  {@code --max-num-batched-tokens}: tokens in one step at most; longer
 *                             prompts are prefilled in chunks
 */
public record EngineConfig(int maxModelLen, int maxNumSeqs, int maxNumBatchedTokens) {

    public EngineConfig {
        if (maxModelLen < 1 || maxNumSeqs < 1 || maxNumBatchedTokens < 1) {
            throw new IllegalArgumentException("engine limits must be positive");
        }
    }
}
