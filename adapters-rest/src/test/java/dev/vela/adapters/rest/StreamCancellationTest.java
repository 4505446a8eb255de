package dev.vela.adapters.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.rest.http.ClientDeparture;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.domain.generation.Usage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An answer that cannot be delivered cancels its generation, however the delivery fails, and
 * whether streamed or collected when its client leaves.
 */
class StreamCancellationTest {

    /** A generation that produces one token after another until it is cancelled. */
    private static final class Endless implements Generation {
        final AtomicInteger produced = new AtomicInteger();
        final CountDownLatch cancelled = new CountDownLatch(1);

        @Override
        public List<PromptTokens> prompts() {
            return List.of(new PromptTokens("Hi", new int[] {1, 2}));
        }

        @Override
        public int choicesPerPrompt() {
            return 1;
        }

        @Override
        public GenerationEvent next() {
            if (cancelled.getCount() == 0) {
                return null;
            }
            produced.incrementAndGet();
            return new GenerationEvent.Delta(0, "x", new int[] {5}, List.of());
        }

        @Override
        public GenerationEvent poll(long timeout, TimeUnit unit) {
            return next();
        }

        @Override
        public boolean done() {
            return cancelled.getCount() == 0;
        }

        @Override
        public void cancel() {
            cancelled.countDown();
        }

        @Override
        public Usage usage() {
            return new Usage(2, produced.get());
        }
    }

    /** A client that leaves once its generation has produced {@code after} tokens; counts the watches still open. */
    private static final class LeavesAfter implements ClientDeparture {
        private final Endless generation;
        private final int after;
        final AtomicInteger open = new AtomicInteger();

        LeavesAfter(Endless generation, int after) {
            this.generation = generation;
            this.after = after;
        }

        @Override
        public Watch watch(Runnable onDeparture) {
            open.incrementAndGet();
            Thread.ofVirtual().start(() -> {
                while (generation.produced.get() < after && generation.cancelled.getCount() > 0) {
                    Thread.onSpinWait();
                }
                onDeparture.run();
            });
            return open::decrementAndGet;
        }
    }

    /** Accepts {@code accepted} writes, then fails every write the way Helidon reports a closed socket. */
    private static final class ClosedAfter extends OutputStream {
        private int accepted;

        ClosedAfter(int accepted) {
            this.accepted = accepted;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (accepted-- <= 0) {
                throw new UncheckedIOException(new IOException("Broken pipe"));
            }
        }
    }

    /** Takes two writes, then blocks every write until the writing thread is interrupted, as a full socket does. */
    private static final class NeverRead extends OutputStream {
        private int accepted = 2;
        final CountDownLatch blocked = new CountDownLatch(1);
        volatile boolean interrupted;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (accepted-- > 0) {
                return;
            }
            blocked.countDown();
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                interrupted = true;
                Thread.currentThread().interrupt();     // as an interruptible channel leaves it
                throw new ClosedByInterruptException();
            }
        }
    }

    @Test
    void aWriteThatFailsUncheckedCancelsTheGenerationAtThatEvent() throws Exception {
        Endless generation = new Endless();
        new ChatAnswer("m", false, null, generation, ClientDeparture.UNWATCHED).stream(Duration.ofSeconds(30)).write(new ClosedAfter(3));
        assertEquals(0, generation.cancelled.getCount(), "cancelled");
        // the role chunk and two deltas went out; the third delta's write failed
        assertEquals(3, generation.produced.get());
    }

    @Test
    void aClientThatStopsReadingIsGivenUpAfterTheWriteTimeoutAndItsGenerationCancelled() throws Exception {
        Endless generation = new Endless();
        NeverRead out = new NeverRead();
        new ChatAnswer("m", false, null, generation, ClientDeparture.UNWATCHED).stream(Duration.ofMillis(50)).write(out);
        assertEquals(0, out.blocked.getCount(), "a write blocked");
        assertEquals(0, generation.cancelled.getCount(), "cancelled");
        assertTrue(out.interrupted, "the blocked write was interrupted, which closes its connection");
        assertFalse(Thread.currentThread().isInterrupted(), "the thread goes back to the server uninterrupted");
    }

    @Test
    void aCollectedAnswerCancelsItsGenerationWhenItsClientLeaves() throws Exception {
        Endless generation = new Endless();
        LeavesAfter departure = new LeavesAfter(generation, 5);
        new ChatAnswer("m", false, null, generation, departure).body();
        assertEquals(0, generation.cancelled.getCount(), "cancelled");
        assertEquals(0, departure.open.get(), "the watch ended with the answer");
    }

    @Test
    void aStreamedAnswerCancelsItsGenerationWhenItsClientLeavesThoughEveryWriteSucceeds() throws Exception {
        Endless generation = new Endless();
        LeavesAfter departure = new LeavesAfter(generation, 5);
        new ChatAnswer("m", false, null, generation, departure).stream(Duration.ofSeconds(30))
                .write(OutputStream.nullOutputStream());
        assertEquals(0, generation.cancelled.getCount(), "cancelled");
        assertEquals(0, departure.open.get(), "the watch ended with the answer");
    }
}
