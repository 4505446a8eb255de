package dev.vela.adapters.gpu.tp;

import dev.vela.application.port.out.LogitsSink;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.RunnerInfo;
import dev.vela.application.port.out.SequenceSlice;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * A {@link ModelRunner} over {@link Qwen2TpEngine} workers: each step is laid out once on the
 * engine's thread ({@link StepBatch}), every worker runs it on its own executor (a device's
 * thread), and the logits rows the workers gathered into host memory go to the sink. The KV cache
 * is paged with the engine's block tables, which every slice must carry. Not thread-safe: one
 * engine thread calls it.
 */
public final class TensorParallelModelRunner implements ModelRunner {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One worker: an engine and the executor all of its backend calls must run on. */
    public record Worker(Qwen2TpEngine engine, Executor executor) {
    }

    private final ShardPlan plan;
    private final RunnerInfo info;
    private final List<Worker> workers;
    private final AutoCloseable resources;
    private final long headroom;
    private final float[] row;
    private MemorySegment hostLogits;
    private int hostRows;
    private int blockSize;
    private int numBlocks;
    private boolean closed;

    /**
     * @param resources closed after the engines: backends, collectives, threads
     * @param headroom  bytes left free on each device when the KV cache is sized from what is free
     */
    public TensorParallelModelRunner(ShardPlan plan, String engineName, String dtype, int maxPositions,
                                     List<Worker> workers, AutoCloseable resources, long headroom) {
        this.plan = plan;
        this.info = new RunnerInfo(engineName, dtype, plan.model().vocabSize(), maxPositions, true);
        this.workers = List.copyOf(workers);
        this.resources = resources;
        this.headroom = headroom;
        this.row = new float[plan.model().vocabSize()];
    }

    @Override
    public RunnerInfo info() {
        return info;
    }

    /**
     * Allocates the paged cache on every worker: {@code memoryBytes} per device, or when 0 what
     * each device's backend still has free less the headroom; the device with the least room sets
     * the block count.
     */
    @Override
    public int allocateKvCache(int blockSize, long memoryBytes) {
        checkOpen();
        if (numBlocks != 0) {
            throw new IllegalStateException("the KV cache is already allocated");
        }
        if (blockSize <= 0) {
            throw new IllegalArgumentException("--block-size must be positive, got " + blockSize);
        }
        long blocks = Long.MAX_VALUE;
        for (Worker worker : workers) {
            long budget = memoryBytes > 0 ? memoryBytes
                    : onWorker(worker, w -> w.engine().backend().freeMemory()) - headroom;
            blocks = Math.min(blocks, budget / worker.engine().kvBytesPerBlock(blockSize));
        }
        if (blocks < 1) {
            throw new IllegalStateException("no room for a single KV-cache block of " + blockSize + " positions after "
                    + "the weights; raise --gpu-memory-utilization, lower --max-num-batched-tokens or use more GPUs");
        }
        int count = (int) Math.min(blocks, Integer.MAX_VALUE / 2);
        onEachWorker(w -> {
            w.engine().allocateKvCache(blockSize, count);
            return null;
        });
        this.blockSize = blockSize;
        this.numBlocks = count;
        return count;
    }

    @Override
    public void execute(List<SequenceSlice> batch, LogitsSink logits) {
        checkOpen();
        if (numBlocks == 0) {
            throw new IllegalStateException("allocateKvCache must come before the first forward pass");
        }
        if (batch.isEmpty()) {
            return;
        }
        StepBatch step = StepBatch.of(batch, blockSize, numBlocks, info.vocabularySize(),
                info.maxPositions());
        long pitch = (long) plan.paddedVocab() * Float.BYTES;
        if (step.rows() > hostRows) {
            hostRows = Math.max(step.rows(), 2 * hostRows);
            hostLogits = onWorker(workers.getFirst(), w -> w.engine().backend().allocateHost(hostRows * pitch));
        }
        MemorySegment gathered = hostLogits;
        onEachWorker(w -> {
            w.engine().forward(step, gathered, pitch);
            return null;
        });
        for (int r = 0; r < step.rows(); r++) {
            MemorySegment.copy(gathered, FLOAT, r * pitch, row, 0, row.length);
            logits.accept(step.rowSlice(r), step.rowPosition(r), row);
        }
    }

    /** Nothing to forget: the blocks are the engine's block manager's, and nothing is kept per sequence. */
    @Override
    public void release(long sequenceId) {
    }

    private <T> T onWorker(Worker worker, Function<Worker, T> task) {
        return onEachWorker(List.of(worker), task).getFirst();
    }

    private <T> List<T> onEachWorker(Function<Worker, T> task) {
        return onEachWorker(workers, task);
    }

    /** Runs {@code task} on every worker's executor at once and waits for all; the first failure is rethrown. */
    private static <T> List<T> onEachWorker(List<Worker> workers, Function<Worker, T> task) {
        List<CompletableFuture<T>> futures = new ArrayList<>();
        for (Worker worker : workers) {
            futures.add(CompletableFuture.supplyAsync(() -> task.apply(worker), worker.executor()));
        }
        List<T> results = new ArrayList<>();
        RuntimeException failure = null;
        for (CompletableFuture<T> future : futures) {
            try {
                results.add(future.join());
            } catch (CompletionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return results;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the " + info.engine() + " runner is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            onEachWorker(w -> {
                w.engine().close();
                return null;
            });
        } finally {
            try {
                resources.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not close the " + info.engine() + " runner", e);
            }
        }
    }
}
