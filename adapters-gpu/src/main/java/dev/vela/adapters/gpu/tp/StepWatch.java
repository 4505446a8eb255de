package dev.vela.adapters.gpu.tp;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every worker of one step polls while it waits for its device: whether another worker's part
 * of the step failed, or the step's deadline passed. Either way the waiting worker gives up, so
 * that a rank that died cannot leave the others waiting forever for its all-reduce.
 */
public final class StepWatch {

    private final long deadlineNanos;
    private final Duration timeout;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private StepWatch(long deadlineNanos, Duration timeout) {
        this.deadlineNanos = deadlineNanos;
        this.timeout = timeout;
    }

    /** A step that must be over within {@code timeout} from now. */
    public static StepWatch startingNow(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("a step timeout must be positive, got " + timeout);
        }
        return new StepWatch(System.nanoTime() + timeout.toNanos(), timeout);
    }

    /** Records that a worker's part of the step failed; the first failure is the one reported. */
    public void fail(Throwable error) {
        failure.compareAndSet(null, error);
    }

    /** The first failure recorded, or null. */
    public Throwable failure() {
        return failure.get();
    }

    /** Nanoseconds until the deadline (negative once it passed). */
    public long remainingNanos() {
        return deadlineNanos - System.nanoTime();
    }

    public Duration timeout() {
        return timeout;
    }

    /** Throws when another worker failed or the deadline passed: the caller stops waiting. */
    public void check() {
        Throwable failed = failure.get();
        if (failed != null) {
            throw new IllegalStateException("abandoned: another rank of the step failed (" + failed.getMessage() + ")");
        }
        if (remainingNanos() < 0) {
            throw new IllegalStateException("abandoned: the step ran past its " + timeout.toSeconds() + " s deadline");
        }
    }
}
