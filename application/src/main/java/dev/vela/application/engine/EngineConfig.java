package dev.vela.application.engine;

/**
 * Limits of the engine, with vLLM's flag names.
 *
 * @param maxModelLen          {@code --max-model-len}: prompt plus output, per sequence
 * @param maxNumSeqs           {@code --max-num-seqs}: sequences in one step at most
 * @param maxNumBatchedTokens  {@code --max-num-batched-tokens}: tokens in one step at most; longer
 *                             prompts are prefilled in chunks
 * @param blockSize            {@code --block-size}: positions per KV-cache block
 * @param kvCacheMemoryBytes   {@code --kv-cache-memory}: bytes for the KV cache; 0 lets the runner
 *                             decide from what its devices have free
 * @param prefixCaching        {@code --enable-prefix-caching}: reuse the KV blocks of shared prompt
 *                             prefixes (only where the runner keeps KV in the engine's blocks)
 */
public record EngineConfig(int maxModelLen, int maxNumSeqs, int maxNumBatchedTokens, int blockSize, long kvCacheMemoryBytes,
                           boolean prefixCaching) {

    public EngineConfig {
        if (maxModelLen < 1 || maxNumSeqs < 1 || maxNumBatchedTokens < 1 || blockSize < 1 || kvCacheMemoryBytes < 0) {
            throw new IllegalArgumentException("engine limits must be positive");
        }
    }

    /** The defaults for everything but the context length. */
    public static EngineConfig of(int maxModelLen, int maxNumSeqs, int maxNumBatchedTokens) {
        return new EngineConfig(maxModelLen, maxNumSeqs, maxNumBatchedTokens, 16, 0, true);
    }
}
