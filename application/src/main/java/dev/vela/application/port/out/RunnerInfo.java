package dev.vela.application.port.out;

/**
 * What a {@link ModelRunner} is.
 *
 * @param engine          short name for logs and the start-up line, e.g. {@code cpu/jlama}
 * @param dtype           the weights' type as stored, e.g. {@code float32}, {@code bfloat16}
 * @param quantization    how the weights are served: {@code none} (as stored), or a block type such as {@code q8_0}
 * @param vocabularySize  width of a logits row (the model's embedding rows)
 * @param maxPositions    the most positions one sequence may use
 * @param pagedKvCache    true when the runner keeps KV in the engine's blocks (block tables
 *                        matter, prefixes can be shared); false when it keeps a cache per sequence
 */
public record RunnerInfo(String engine, String dtype, String quantization, int vocabularySize, int maxPositions,
                         boolean pagedKvCache) {

    /** A runner that serves the weights as stored. */
    public RunnerInfo(String engine, String dtype, int vocabularySize, int maxPositions, boolean pagedKvCache) {
        this(engine, dtype, "none", vocabularySize, maxPositions, pagedKvCache);
    }
}
