package dev.vela.application.engine;

import dev.vela.application.port.out.LogitsSink;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.RunnerInfo;
import dev.vela.application.port.out.SequenceSlice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * A test runner whose logits make a chosen token the clear favourite at every step, by position.
 * It records what it was asked to run, so tests can check scheduling.
 */
final class ScriptedRunner implements ModelRunner {

    /** The favourite token after {@code position} tokens. */
    private final IntFunction<Integer> next;
    final List<List<SequenceSlice>> batches = new ArrayList<>();
    /** How many KV blocks the runner says it holds. */
    volatile int kvBlocks = 1 << 20;
    /** Whether it claims a paged KV cache (then it does not track positions per sequence). */
    volatile boolean paged;
    final Set<Long> released = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** When set, a step waits for it to open, after counting down {@link #entered}. */
    volatile java.util.concurrent.CountDownLatch gate;
    volatile java.util.concurrent.CountDownLatch entered;
    /** The step that waits at {@link #gate}: the one after this many batches (0: the next one). */
    volatile int gateAfterBatches;
    final Map<Long, Integer> positions = new HashMap<>();
    /** Rows of logits handed per sequence id. */
    final Map<Long, Integer> rowsHanded = new HashMap<>();
    /** Thrown (a RuntimeException or an Error) when a slice's last token is {@link #failingToken}. */
    volatile Throwable failWhenFeeding;
    /** A slice whose last token is this one is fed, but its rows are never handed over. */
    volatile int withheldToken = -1;
    /** The favourite's logit; every other token's is its negative. */
    volatile float favourite = 20f;
    /** When set, rows go from several threads, last row first, where the engine allows it. */
    volatile boolean rowsFromThreads;
    volatile int failingToken = -1;

    ScriptedRunner(IntFunction<Integer> next) {
        this.next = next;
    }

    /**
     * A runner whose favourite continuation spells out {@code text}: the token after position p
     * is the text's byte p (so a prompt that is a prefix of the text continues it), then EOS.
     */
    static ScriptedRunner spelling(String text) {
        int[] ids = ByteTokenizer.ids(text);
        return new ScriptedRunner(position -> position < ids.length ? ids[position] : ByteTokenizer.EOS);
    }

    @Override
    public RunnerInfo info() {
        return new RunnerInfo("test/scripted", "float32", ByteTokenizer.SIZE, 4096, paged);
    }

    @Override
    public int allocateKvCache(int blockSize, long memoryBytes) {
        return kvBlocks;
    }

    @Override
    public void execute(List<SequenceSlice> batch, LogitsSink logits) {
        execute(batch, logits, false);
    }

    @Override
    public void execute(List<SequenceSlice> batch, LogitsSink logits, boolean concurrentRows) {
        java.util.concurrent.CountDownLatch waitFor = gate;
        if (waitFor != null && batchCount() >= gateAfterBatches) {
            gate = null;
            entered.countDown();
            try {
                waitFor.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        record(batch, logits, concurrentRows);
    }

    synchronized int batchCount() {
        return batches.size();
    }

    synchronized int rowsHanded(long sequenceId) {
        return rowsHanded.getOrDefault(sequenceId, 0);
    }

    private synchronized void record(List<SequenceSlice> batch, LogitsSink logits, boolean concurrentRows) {
        batches.add(List.copyOf(batch));
        List<Row> rows = new ArrayList<>();
        for (SequenceSlice slice : batch) {
            Throwable failure = failWhenFeeding;
            if (failure != null && slice.tokenIds()[slice.tokenIds().length - 1] == failingToken) {
                if (failure instanceof Error error) {
                    throw error;
                }
                throw (RuntimeException) failure;
            }
        }
        for (int i = 0; i < batch.size(); i++) {
            SequenceSlice slice = batch.get(i);
            int expected = positions.getOrDefault(slice.sequenceId(), 0);
            if (!paged && slice.startPosition() != expected) {
                throw new IllegalStateException("sequence " + slice.sequenceId() + " fed at " + slice.startPosition()
                        + ", expected " + expected);
            }
            positions.put(slice.sequenceId(), slice.endPosition());
            if (slice.tokenIds()[slice.tokenIds().length - 1] == withheldToken) {
                continue;
            }
            rowsHanded.merge(slice.sequenceId(), slice.logitRows(), Integer::sum);
            for (int position = slice.logitsFrom(); position < slice.endPosition(); position++) {
                float[] row = new float[ByteTokenizer.SIZE];
                Arrays.fill(row, -favourite);
                row[next.apply(position + 1)] = favourite;
                rows.add(new Row(i, position, row));
            }
        }
        if (rowsFromThreads && concurrentRows) {
            handFromThreads(rows, logits);
        } else {
            rows.forEach(row -> logits.accept(row.slice(), row.position(), row.logits()));
        }
    }

    private record Row(int slice, int position, float[] logits) {
    }

    private static void handFromThreads(List<Row> rows, LogitsSink logits) {
        int threads = 3;
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            started.add(Thread.ofPlatform().start(() -> {
                for (int r = rows.size() - 1 - first; r >= 0; r -= threads) {
                    logits.accept(rows.get(r).slice(), rows.get(r).position(), rows.get(r).logits());
                }
            }));
        }
        for (Thread thread : started) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    @Override
    public synchronized void release(long sequenceId) {
        released.add(sequenceId);
        positions.remove(sequenceId);
    }

    @Override
    public void close() {
    }
}
