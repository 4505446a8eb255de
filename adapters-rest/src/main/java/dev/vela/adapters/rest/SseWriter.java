package dev.vela.adapters.rest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writes server-sent events in the OpenAI format: {@code data: <json>\n\n} per event, no
 * {@code event:} or {@code id:} lines, and {@code data: [DONE]} at the end. Each event is flushed
 * at once so clients see tokens as they are generated, and so that a client that has gone away
 * is noticed at the next event.
 *
 * <p>A write that the client does not take within the write timeout is given up: {@code onStall}
 * runs (the answer cancels its generation) and the writing thread is interrupted, which closes the
 * connection under the blocked write.
 */
final class SseWriter {

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final ScheduledExecutorService ALARMS = alarms();

    private static final int ARMED = 0;
    private static final int DISARMED = 1;
    private static final int RINGING = 2;
    private static final int RANG = 3;

    private final OutputStream out;
    private final Duration writeTimeout;
    private final Runnable onStall;
    private volatile boolean stalled;

    SseWriter(OutputStream out, Duration writeTimeout, Runnable onStall) {
        this.out = out;
        this.writeTimeout = writeTimeout;
        this.onStall = onStall;
    }

    void send(Object event) throws IOException {
        write(("data: " + WireJson.toJson(event) + "\n\n").getBytes(StandardCharsets.UTF_8));
    }

    void done() throws IOException {
        write(DONE);
    }

    private void write(byte[] bytes) throws IOException {
        if (stalled) {
            throw new IOException("the client stopped reading");
        }
        Thread writer = Thread.currentThread();
        // Who ends the write's wait decides it, once: the writer disarming the alarm, or the alarm ringing. A
        // future's cancel() cannot decide it: it succeeds on a task that has started but not finished.
        AtomicInteger alarmState = new AtomicInteger(ARMED);
        ScheduledFuture<?> alarm = ALARMS.schedule(() -> {
            if (!alarmState.compareAndSet(ARMED, RINGING)) {
                return;
            }
            stalled = true;
            try {
                onStall.run();
                writer.interrupt();
            } finally {
                alarmState.set(RANG);
            }
        }, writeTimeout.toNanos(), TimeUnit.NANOSECONDS);
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException | RuntimeException e) {
            // Helidon reports a failed socket write unchecked; either way the client is gone.
            throw new IOException(stalled ? "the client did not read for " + writeTimeout : "the client went away", e);
        } finally {
            if (!alarmState.compareAndSet(ARMED, DISARMED)) {
                while (alarmState.get() != RANG) {
                    Thread.onSpinWait();        // the alarm is ringing: let it finish before taking its interrupt back
                }
                // The interrupt was only to free this thread from the write (closing the connection under it);
                // the thread goes back to Helidon, which must not find it interrupted.
                Thread.interrupted();
            }
            alarm.cancel(false);
        }
        if (stalled) {
            throw new IOException("the client did not read for " + writeTimeout);
        }
    }

    private static ScheduledExecutorService alarms() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("vela-stream-write-timeout").daemon().factory());
        timer.setRemoveOnCancelPolicy(true);        // a cancelled alarm per event must not stay queued for the timeout
        return Executors.unconfigurableScheduledExecutorService(timer);
    }
}
