package dev.vela.benchmarks;

import dev.vela.application.port.out.LogitsSink;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.RunnerInfo;
import dev.vela.application.port.out.SequenceSlice;
import java.util.ArrayList;
import java.util.List;

/**
 * A runner that times the forward passes of another: those whose batch is exactly {@link #width}
 * sequences each decoding one token (no prefill beside them), sampling and masking of the rows
 * included, since the sink runs inside the pass. Steps of the same width and kind compare the
 * per-token cost of two workloads however their requests start and end.
 */
final class DecodeStepTimer implements ModelRunner {

    private final ModelRunner runner;
    private final List<Double> millis = new ArrayList<>();
    private volatile int width;

    DecodeStepTimer(ModelRunner runner) {
        this.runner = runner;
    }

    /** Starts timing steps of {@code sequences} decoding sequences, forgetting the ones timed before. */
    synchronized void time(int sequences) {
        width = sequences;
        millis.clear();
    }

    /** The durations of the steps timed since {@link #time}, in milliseconds. */
    synchronized double[] steps() {
        return millis.stream().mapToDouble(Double::doubleValue).toArray();
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
        long start = System.nanoTime();
        runner.execute(batch, logits, concurrentRows);
        if (timed) {
            double elapsed = (System.nanoTime() - start) / 1e6;
            synchronized (this) {
                millis.add(elapsed);
            }
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
