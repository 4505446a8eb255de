package dev.vela.application.port.out;

import dev.vela.domain.error.RunnerFailedException;
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
     * Sets up the KV cache in blocks of {@code blockSize} positions and says how many blocks it
     * holds; called once, before the first {@link #execute}. A runner with a paged cache
     * ({@link RunnerInfo#pagedKvCache()}) sizes it from {@code memoryBytes}, or when that is 0 from
     * what its devices have free (e.g. {@code --gpu-memory-utilization}); a runner that keeps a
     * cache per sequence returns how many blocks' worth of positions it can hold.
     */
    int allocateKvCache(int blockSize, long memoryBytes);

    /**
     * Feeds every slice and hands {@code logits} one row of <b>raw logits</b> (not probabilities)
     * for each position a slice asks for ({@link SequenceSlice#logitsFrom()}), in batch order and
     * then position order. Rows have {@link RunnerInfo#vocabularySize()} entries.
     *
     * @throws RunnerFailedException when the runner can run no further step (a failed device or rank)
     */
    void execute(List<SequenceSlice> batch, LogitsSink logits);

    /**
     * {@link #execute(List, LogitsSink)}, where {@code concurrentRows} allows the runner to hand
     * rows from several of its threads at once and in any order (each row still exactly once, all
     * before this returns), so that what the receiver does with a row (sampling over the
     * vocabulary) runs on every core. A runner without threads of its own ignores it.
     */
    default void execute(List<SequenceSlice> batch, LogitsSink logits, boolean concurrentRows) {
        execute(batch, logits);
    }

    /** Forgets the sequence's state (its KV cache, for runners that keep one per sequence). */
    void release(long sequenceId);

    @Override
    void close();
}
