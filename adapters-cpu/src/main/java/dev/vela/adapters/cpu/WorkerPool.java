package dev.vela.adapters.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Shares a range of work out over a fixed set of platform threads (the caller is one of them), with
 * little latency between the many small parallel regions of a forward pass: workers spin briefly
 * before they park. The range is cut into chunks that the threads claim one after another, and the
 * caller waits for the chunks, not for the threads: a worker the OS or the hypervisor holds back
 * (an HTTP thread, a neighbour's VM) costs the pass only the chunk it is in, the others take the
 * rest. Which thread computes an element never changes its arithmetic. One caller at a time.
 */
final class WorkerPool implements AutoCloseable {

    /** Work over the sub-range {@code [from, to)}. */
    @FunctionalInterface
    interface RangeTask {
        void run(int from, int to);
    }

    private static final long SPIN_NANOS = 50_000;
    /** Chunks per thread when a range is cut: enough for one thread to take over another's share. */
    private static final int CHUNKS_PER_THREAD = 4;

    /** One parallel region: what to run, the next chunk to claim and how many are not done yet. */
    private static final class Region {
        final RangeTask task;
        final int n;
        final int chunk;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger unfinished;
        final Thread caller;
        volatile Throwable failure;

        Region(RangeTask task, int n, int chunk, Thread caller) {
            this.task = task;
            this.n = n;
            this.chunk = chunk;
            this.unfinished = new AtomicInteger((n + chunk - 1) / chunk);
            this.caller = caller;
        }

        /** Takes chunks until none is left; the thread that finishes the last one wakes the caller. */
        void claim() {
            for (int from = next.getAndAdd(chunk); from < n; from = next.getAndAdd(chunk)) {
                try {
                    task.run(from, Math.min(n, from + chunk));
                } catch (Throwable t) {
                    failure = t;
                } finally {
                    if (unfinished.decrementAndGet() == 0 && Thread.currentThread() != caller) {
                        LockSupport.unpark(caller);
                    }
                }
            }
        }
    }

    private final Thread[] workers;
    private final int threads;
    private volatile Region region;
    private volatile boolean closed;

    WorkerPool(int threads) {
        this.threads = Math.max(1, threads);
        this.workers = new Thread[this.threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = Thread.ofPlatform().daemon(true).name("vela-cpu-" + (i + 1)).start(this::work);
        }
    }

    /**
     * Runs {@code task} over {@code [0, n)} in chunks whose starts are multiples of {@code align}
     * (about {@value #CHUNKS_PER_THREAD} per thread); returns when all are done.
     */
    void run(int n, int align, RangeTask task) {
        if (n <= 0) {
            return;
        }
        if (threads == 1 || n == 1) {
            task.run(0, n);
            return;
        }
        int share = (n + threads * CHUNKS_PER_THREAD - 1) / (threads * CHUNKS_PER_THREAD);
        int step = Math.max(1, align);
        Region current = new Region(task, n, (share + step - 1) / step * step, Thread.currentThread());
        region = current;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
        current.claim();
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (current.unfinished.get() > 0) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(10_000);
            }
        }
        if (current.failure != null) {
            throw new IllegalStateException("a CPU worker failed", current.failure);
        }
    }

    /** Runs {@code task} over {@code [0, n)}, in chunks of any size. */
    void run(int n, RangeTask task) {
        run(n, 1, task);
    }

    private void work() {
        Region seen = null;
        while (!closed) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            Region current;
            while ((current = region) == seen && !closed) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = current;
            current.claim();                    // nothing to do when the caller already took every chunk
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
    }
}
