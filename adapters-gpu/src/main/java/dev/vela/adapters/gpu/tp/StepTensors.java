package dev.vela.adapters.gpu.tp;

/**
 * A {@link StepBatch} as it lives on one device: slices of one uploaded int tensor.
 *
 * @param tokenSequence the batch index of each token's sequence, which picks its block-table row
 * @param blockTables   {@code [sequences, maxBlocks]}
 * @param logitRows     the tokens whose logits are wanted
 */
public record StepTensors(StepBatch batch, Tensor tokenIds, Tensor positions, Tensor slots, Tensor tokenSequence,
                          Tensor blockTables, Tensor logitRows) {

    /** Slices {@code packed}, which holds {@link StepBatch#packed()}. */
    public static StepTensors of(StepBatch batch, Tensor packed) {
        int t = batch.tokens();
        long tables = (long) batch.sequences() * batch.maxBlocks();
        return new StepTensors(batch, packed.slice(0, t), packed.slice(t, t), packed.slice(2L * t, t),
                packed.slice(3L * t, t), packed.slice(4L * t, tables), packed.slice(4L * t + tables, batch.rows()));
    }

    public int tokens() {
        return batch.tokens();
    }
}
