package dev.vela.benchmarks;

import dev.vela.application.port.out.LogitsSink;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.RunnerInfo;
import dev.vela.application.port.out.SequenceSlice;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A runner that times the forward passes of another: those whose batch is exactly {@link #width}
 * sequences each decoding one token (no prefill beside them), sampling and masking of the rows
 * included, since the sink runs inside the pass. Steps of the same width and kind compare the
 * per-token cost of two workloads however their requests start and end; the CPU time the sink
 * takes over the rows (its threads' own, without the time they wait for a core) shows what
 * masking and sampling cost even on a machine too busy for wall-clock figures to tell.
 */
final class DecodeStepTimer implements ModelRunner {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final ModelRunner runner;
    private final List<Double> millis = new ArrayList<>();
    private final List<Double> sinkCpuMillis = new ArrayList<>();
    private volatile int width;

    DecodeStepTimer(ModelRunner runner) {
        this.runner = runner;
    }

    /** Starts timing steps of {@code sequences} decoding sequences, forgetting the ones timed before. */
    synchronized void time(int sequences) {
        width = sequences;
        millis.clear();
        sinkCpuMillis.clear();
    }

    /** The durations of the steps timed since {@link #time}, in milliseconds. */
    synchronized double[] steps() {
        return millis.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** The CPU time the sink took over all rows of each step timed since {@link #time}, in milliseconds. */
    synchronized double[] sinkCpu() {
        return sinkCpuMillis.stream().mapToDouble(Double::doubleValue).toArray();
    }

    @Override
    public RunnerInfo info() {
        return runner.info();
    }

    @Override
    public int allocateKvCache(int blockSize, long memoryBytes) {
        return runner.allocateKvCache(blockSize, memoryBytes);
    }

    @Override
    public void execute(List<SequenceSlice> batch, LogitsSink logits) {
        execute(batch, logits, false);
    }

    @Override
    public void execute(List<SequenceSlice> batch, LogitsSink logits, boolean concurrentRows) {
        boolean timed = batch.size() == width && batch.stream().allMatch(slice -> slice.tokenIds().length == 1);
        if (!timed) {
            runner.execute(batch, logits, concurrentRows);
            return;
        }
        AtomicLong sinkNanos = new AtomicLong();
        LogitsSink sink = (slice, position, row) -> {
            long cpu = THREADS.getCurrentThreadCpuTime();
            logits.accept(slice, position, row);
            sinkNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - cpu);
        };
        long start = System.nanoTime();
        runner.execute(batch, sink, concurrentRows);
        double elapsed = (System.nanoTime() - start) / 1e6;
        synchronized (this) {
            millis.add(elapsed);
            sinkCpuMillis.add(sinkNanos.get() / 1e6);
        }
    }

    @Override
    public void release(long sequenceId) {
        runner.release(sequenceId);
    }

    @Override
    public void close() {
        runner.close();
    }
}
