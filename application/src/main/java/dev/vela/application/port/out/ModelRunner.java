package dev.vela.application.port.out;

import java.util.List;

/**
 * Runs the model's forward pass over a batch of sequences: the seam between the engine, which
 * decides what runs, and the compute, which decides how. One call answers the whole batch, so a
 * CPU runner and a tensor-parallel GPU runner are interchangeable.
 */
public interface ModelRunner extends AutoCloseable {

    /** What this runner is and the shape of what it returns. */
    RunnerInfo info();

    /**
     * Feeds every slice and hands {@code logits} one row of <b>raw logits</b> (not probabilities)
     * for each position a slice asks for ({@link SequenceSlice#logitsFrom()}), in batch order and
     * then position order. Rows have {@link RunnerInfo#vocabularySize()} entries.
     */
    void execute(List<SequenceSlice> batch, LogitsSink logits);

    /** Forgets the sequence's state (its KV cache, for runners that keep one per sequence). */
    void release(long sequenceId);

    @Override
    void close();
}
