package dev.vela.application.service;

import dev.vela.application.port.out.LogitsSink;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.RunnerInfo;
import dev.vela.application.port.out.SequenceSlice;
import java.util.Arrays;
import java.util.List;

/**
 * A test runner that plays a fixed output: after a prompt of {@code promptLength} tokens its
 * clear favourite is each token of {@code output} in turn, then EOS.
 */
final class PlaybackRunner implements ModelRunner {

    private final int promptLength;
    private final int[] output;

    PlaybackRunner(int promptLength, int[] output) {
        this.promptLength = promptLength;
        this.output = output.clone();
    }

    @Override
    public RunnerInfo info() {
        return new RunnerInfo("test/playback", "float32", ThinkTokenizer.SIZE, 4096, false);
    }

    @Override
    public int allocateKvCache(int blockSize, long memoryBytes) {
        return 4096 / blockSize;
    }

    @Override
    public void execute(List<SequenceSlice> batch, LogitsSink logits) {
        for (int i = 0; i < batch.size(); i++) {
            SequenceSlice slice = batch.get(i);
            for (int position = slice.logitsFrom(); position < slice.endPosition(); position++) {
                float[] row = new float[ThinkTokenizer.SIZE];
                Arrays.fill(row, -20f);
                int generated = position + 1 - promptLength;
                row[generated >= 0 && generated < output.length ? output[generated] : ThinkTokenizer.EOS] = 20f;
                logits.accept(i, position, row);
            }
        }
    }

    @Override
    public void release(long sequenceId) {
    }

    @Override
    public void close() {
    }
}
