package dev.vela.adapters.gpu.reference;

import dev.vela.adapters.gpu.tp.Collective;
import dev.vela.adapters.gpu.tp.ElementType;
import dev.vela.adapters.gpu.tp.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * All-reduce for the {@link CpuBackend}: fp32 sums in rank order, rounded once to the buffers'
 * type, which is exactly what the same-device kernel computes. Workers on several threads (one
 * per rank, as with NCCL) meet at a barrier; a single worker holding every rank needs none. A
 * worker whose step failed aborts the group, as {@code ncclCommAbort} does: the others return from
 * the barrier with an error at once, and so does every later all-reduce.
 */
public final class CpuCollective {

    private final int ranks;
    private final Phaser barrier;
    private final CpuBackend.CpuTensor[] buffers;

    private CpuCollective(int ranks, int workers) {
        this.ranks = ranks;
        this.barrier = new Phaser(workers);
        this.buffers = new CpuBackend.CpuTensor[ranks];
    }

    /** One collective per worker: worker {@code w} drives ranks {@code [w·tp/workers, (w+1)·tp/workers)}. */
    public static List<Collective> forWorkers(int tensorParallelSize, int workers) {
        if (workers <= 0 || tensorParallelSize % workers != 0) {
            throw new IllegalArgumentException(workers + " workers cannot share " + tensorParallelSize + " ranks evenly");
        }
        CpuCollective group = new CpuCollective(tensorParallelSize, workers);
        int perWorker = tensorParallelSize / workers;
        List<Collective> members = new ArrayList<>();
        for (int w = 0; w < workers; w++) {
            int first = w * perWorker;
            members.add(new Collective() {
                @Override
                public void allReduceSum(List<Tensor> local, long count) {
                    group.allReduce(first, local, count);
                }

                @Override
                public void abort() {
                    group.barrier.forceTermination();
                }
            });
        }
        return List.copyOf(members);
    }

    private void allReduce(int firstRank, List<Tensor> local, long count) {
        for (int i = 0; i < local.size(); i++) {
            buffers[firstRank + i] = (CpuBackend.CpuTensor) local.get(i);
        }
        await();
        float[] sum = sum(count, local.getFirst().type());
        // everyone has read every buffer before anyone overwrites its own
        await();
        for (Tensor tensor : local) {
            CpuBackend.CpuTensor mine = (CpuBackend.CpuTensor) tensor;
            System.arraycopy(sum, 0, mine.floats, mine.offset, (int) count);
        }
    }

    private float[] sum(long count, ElementType type) {
        float[] sum = new float[(int) count];
        for (int e = 0; e < count; e++) {
            float s = 0.0f;
            for (int r = 0; r < ranks; r++) {
                s += buffers[r].get(e);
            }
            sum[e] = type.round(s);
        }
        return sum;
    }

    private void await() {
        try {
            int phase = barrier.arrive();
            if (phase < 0 || barrier.awaitAdvanceInterruptibly(phase, 1, TimeUnit.MINUTES) < 0) {
                throw new IllegalStateException("the all-reduce was aborted: another rank failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted in an all-reduce", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("another rank never came to the all-reduce", e);
        }
    }
}
