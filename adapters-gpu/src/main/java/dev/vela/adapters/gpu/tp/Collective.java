package dev.vela.adapters.gpu.tp;

import java.util.List;

/**
 * Sums the partial outputs of row-parallel layers across tensor-parallel ranks. Each worker (one
 * device thread) calls it with the buffers of the ranks it drives, in rank order; on return every
 * rank's buffer holds the sum over all ranks. Implementations: NCCL across GPUs, a kernel across
 * logical ranks of one GPU, and a plain-Java sum for the CPU backend.
 */
public interface Collective extends AutoCloseable {

    /** Sums the first {@code count} elements of every rank's buffer into all of them. */
    void allReduceSum(List<Tensor> localBuffers, long count);

    /**
     * Throws when the collective failed on its own, after the call that queued it returned (NCCL's
     * asynchronous errors); polled while a worker waits for its device.
     */
    default void check() {
    }

    /**
     * Ends the collective for good, so that a worker waiting in an all-reduce for a rank that failed
     * returns with an error, and so do later calls. Called on the worker's own thread when its step
     * fails; harmless when called again.
     */
    default void abort() {
    }

    @Override
    default void close() {
    }
}
