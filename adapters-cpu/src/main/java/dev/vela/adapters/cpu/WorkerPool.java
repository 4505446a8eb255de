package dev.vela.adapters.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a range of work over a fixed set of platform threads (the caller is one of them), with
 * little latency between the many small parallel regions of a forward pass: workers spin briefly
 * before they park. Each part is a contiguous sub-range, so which thread computes an element never
 * changes its arithmetic. One caller at a time.
 */
final class WorkerPool implements AutoCloseable {

    /** Work over the sub-range {@code [from, to)}. */
    @FunctionalInterface
    interface RangeTask {
        void run(int from, int to);
    }

    private static final long SPIN_NANOS = 50_000;

    private final Thread[] workers;
    private final int parts;
    private volatile RangeTask task;
    private volatile int total;
    private volatile long epoch;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile Throwable failure;
    private volatile boolean closed;
    private volatile Thread caller;

    WorkerPool(int threads) {
        this.parts = Math.max(1, threads);
        this.workers = new Thread[parts - 1];
        for (int i = 0; i < workers.length; i++) {
            int part = i + 1;
            workers[i] = Thread.ofPlatform().daemon(true).name("vela-cpu-" + part).start(() -> work(part));
        }
    }

    /** Runs {@code task} over {@code [0, n)} split into one contiguous part per thread; returns when all are done. */
    void run(int n, RangeTask task) {
        if (n <= 0) {
            return;
        }
        if (parts == 1 || n == 1) {
            task.run(0, n);
            return;
        }
        this.task = task;
        this.total = n;
        this.failure = null;
        this.caller = Thread.currentThread();
        pending.set(workers.length);
        epoch++;
        for (Thread worker : workers) {
            LockSupport.unpark(worker);
        }
        runPart(0, task, n);
        long spinUntil = System.nanoTime() + SPIN_NANOS;
        while (pending.get() > 0) {
            if (System.nanoTime() < spinUntil) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(10_000);
            }
        }
        this.task = null;
        if (failure != null) {
            throw new IllegalStateException("a CPU worker failed", failure);
        }
    }

    private void runPart(int part, RangeTask task, int n) {
        int from = (int) ((long) n * part / parts);
        int to = (int) ((long) n * (part + 1) / parts);
        if (from < to) {
            task.run(from, to);
        }
    }

    private void work(int part) {
        long seen = 0;
        while (!closed) {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (epoch == seen && !closed) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            if (closed) {
                return;
            }
            seen = epoch;
            try {
                runPart(part, task, total);
            } catch (Throwable t) {
                failure = t;
            } finally {
                if (pending.decrementAndGet() == 0) {
                    Thread waiting = caller;
                    if (waiting != null) {
                        LockSupport.unpark(waiting);
                    }
                }
            }
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
