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

    @Override
    default void close() {
    }
}
