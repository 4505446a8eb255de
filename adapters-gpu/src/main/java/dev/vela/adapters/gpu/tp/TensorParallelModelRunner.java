package dev.vela.adapters.gpu.tp;

import dev.vela.application.port.out.LogitsSink;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.domain.error.RunnerFailedException;
import dev.vela.application.port.out.RunnerInfo;
import dev.vela.application.port.out.SequenceSlice;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A {@link ModelRunner} over {@link Qwen2TpEngine} workers: each step is laid out once on the
 * engine's thread ({@link StepBatch}), every worker runs it on its own executor (a device's
 * thread), and the logits rows the workers gathered into host memory go to the sink. The KV cache
 * is paged with the engine's block tables, which every slice must carry. Not thread-safe: one
 * engine thread calls it.
 *
 * <p>A step that fails on any worker, or that runs past the step timeout, fails on all of them
 * within that bound ({@link StepWatch}, {@link Collective#abort()}), and the runner is broken for
 * good: the ranks' states may differ, an aborted NCCL communicator cannot be used again. That step
 * and every later one throw {@link RunnerFailedException}, and closing it waits a bounded time.
 */
public final class TensorParallelModelRunner implements ModelRunner {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** One worker: an engine and the executor all of its backend calls must run on. */
    public record Worker(Qwen2TpEngine engine, Executor executor) {
    }

    /** What a worker does to load its engine, on its executor. */
    @FunctionalInterface
    public interface EngineLoader {
        Qwen2TpEngine load(int worker);
    }

    private static final Logger LOG = Logger.getLogger(TensorParallelModelRunner.class.getName());
    /** How long closing a broken runner may take before its stuck threads are left behind. */
    private static final Duration BROKEN_CLOSE_WAIT = Duration.ofSeconds(10);

    private final ShardPlan plan;
    private final RunnerInfo info;
    private final List<Worker> workers;
    private final AutoCloseable resources;
    private final long headroom;
    private final Duration stepTimeout;
    private final float[] row;
    private MemorySegment hostLogits;
    private int hostRows;
    private int blockSize;
    private int numBlocks;
    private boolean closed;
    private RunnerFailedException failure;

    /**
     * @param resources closed after the engines: backends, collectives, threads
     * @param headroom    bytes left free on each device when the KV cache is sized from what is free
     * @param stepTimeout how long one step may take on every worker before it counts as failed
     */
    public TensorParallelModelRunner(ShardPlan plan, String engineName, String dtype, int maxPositions,
                                     List<Worker> workers, AutoCloseable resources, long headroom,
                                     Duration stepTimeout) {
        this.plan = plan;
        this.info = new RunnerInfo(engineName, dtype, plan.model().vocabSize(), maxPositions, true);
        this.workers = List.copyOf(workers);
        this.resources = resources;
        this.headroom = headroom;
        this.stepTimeout = stepTimeout;
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
        StepWatch watch = StepWatch.startingNow(stepTimeout);
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        for (Worker worker : workers) {
            parts.add(CompletableFuture.runAsync(() -> worker.engine().forward(step, gathered, pitch, watch),
                    worker.executor()));
        }
        awaitStep(parts, watch);
        for (int r = 0; r < step.rows(); r++) {
            MemorySegment.copy(gathered, FLOAT, r * pitch, row, 0, row.length);
            logits.accept(step.rowSlice(r), step.rowPosition(r), row);
        }
    }

    /**
     * Waits for every worker's part of the step until the watch's deadline. A worker that failed
     * has told the watch, so the others give up too; a worker still running at the deadline is
     * told through the watch and left behind. Either way the runner is broken from here on.
     */
    private void awaitStep(List<CompletableFuture<Void>> parts, StepWatch watch) {
        List<String> unfinished = new ArrayList<>();
        for (int w = 0; w < parts.size(); w++) {
            try {
                parts.get(w).get(Math.max(0, watch.remainingNanos()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                watch.fail(e.getCause());
            } catch (TimeoutException e) {
                unfinished.add(rankNames(workers.get(w)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                watch.fail(e);
            }
        }
        // the stuck ranks are the story, not the peers that gave up waiting for them at the deadline
        Throwable cause = unfinished.isEmpty() ? watch.failure() : new TimeoutException("rank(s) "
                + String.join(", ", unfinished) + " did not finish the step within " + watch.timeout().toSeconds() + " s");
        if (cause == null) {
            return;
        }
        watch.fail(cause);
        String where = IntStream.range(0, parts.size())
                .filter(w -> parts.get(w).isCompletedExceptionally() && causeOf(parts.get(w)) == cause)
                .mapToObj(w -> "rank(s) " + rankNames(workers.get(w)) + " failed: ")
                .findFirst().orElse("");
        failure = new RunnerFailedException("The " + info.engine() + " runner failed and must be restarted: " + where
                + cause.getMessage(), cause);
        throw failure;
    }

    private static Throwable causeOf(CompletableFuture<Void> part) {
        try {
            part.getNow(null);
            return null;
        } catch (CompletionException | CancellationException e) {
            return e.getCause();
        }
    }

    private String rankNames(Worker worker) {
        return Arrays.stream(worker.engine().ranks()).mapToObj(r -> r + " of " + plan.tensorParallelSize())
                .collect(Collectors.joining(", "));
    }

    /**
     * Loads every worker's engine at once, worker {@code w} on {@code executors.get(w)} (its
     * device's thread), so that the devices fill in parallel; waits for all. When one fails, those
     * that loaded are closed and the first failure is rethrown.
     */
    public static List<Worker> loadWorkers(List<? extends Executor> executors, EngineLoader loader) {
        List<CompletableFuture<Qwen2TpEngine>> loads = new ArrayList<>();
        for (int w = 0; w < executors.size(); w++) {
            int worker = w;
            loads.add(CompletableFuture.supplyAsync(() -> loader.load(worker), executors.get(w)));
        }
        List<Worker> loaded = new ArrayList<>();
        RuntimeException failure = null;
        for (int w = 0; w < loads.size(); w++) {
            try {
                loaded.add(new Worker(loads.get(w).join(), executors.get(w)));
            } catch (CompletionException e) {
                RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            }
        }
        if (failure != null) {
            for (Worker worker : loaded) {
                CompletableFuture.runAsync(worker.engine()::close, worker.executor()).join();
            }
            throw failure;
        }
        return List.copyOf(loaded);
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
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Frees every worker's engine, then the resources. A broken runner's workers may be stuck (a
     * device thread blocked in the driver), so it closes on a thread of its own and gives up after
     * {@link #BROKEN_CLOSE_WAIT}: the process is about to exit, and must not hang on the way.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (failure == null) {
            closeAll();
            return;
        }
        Thread closing = Thread.ofPlatform().daemon(true).name("close-" + info.engine()).start(() -> {
            try {
                closeAll();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Closing the broken " + info.engine() + " runner failed", e);
            }
        });
        try {
            if (!closing.join(BROKEN_CLOSE_WAIT)) {
                LOG.warning("The broken " + info.engine() + " runner did not close within " + BROKEN_CLOSE_WAIT.toSeconds()
                        + " s; its threads are left behind");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeAll() {
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
