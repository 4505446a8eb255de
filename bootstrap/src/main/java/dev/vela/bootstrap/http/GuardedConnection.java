package dev.vela.bootstrap.http;

import dev.vela.adapters.rest.http.ClientDeparture;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import java.time.Duration;
import java.util.Optional;

/**
 * One accepted connection, served by Helidon's HTTP/1.1 code over {@link TimedReads} and an
 * {@link Http10Writer}, with Helidon's direct answers in the OpenAI shape. While it serves a
 * request, {@link ConnectionFilter} reaches it through {@link #current()} to say when routing
 * starts and ends, and whether the connection must close after the response, and
 * {@link GuardedConnectionDeparture} to watch for the client's leaving while the answer is prepared.
 */
final class GuardedConnection implements ServerConnection, InterruptableTask<Void> {

    private static final ScopedValue<GuardedConnection> CURRENT = ScopedValue.newInstance();

    private final TimedReads reads;
    private final ServerConnection http1;

    GuardedConnection(ConnectionContext accepted, ConnectionPolicy policy, Http1ConnectionSelector http1) {
        this.reads = new TimedReads(accepted.serverSocket(), policy);
        this.http1 = http1.connection(new GuardedConnectionContext(accepted, DataReader.create(reads),
                new Http10Writer(accepted.dataWriter(), reads::http10),
                new JsonErrorsListenerContext(accepted.listenerContext())));
    }

    /** The connection whose request the current thread serves, if it is one of these. */
    static Optional<GuardedConnection> current() {
        return CURRENT.isBound() ? Optional.of(CURRENT.get()) : Optional.empty();
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        ScopedValue.where(CURRENT, this).call(() -> {
            http1.handle(limit);
            return null;
        });
    }

    /** Routing has the request: its head is read, and its body is read with the read timeout. */
    void routed() {
        reads.routed();
    }

    /** Runs {@code onEnd} if the client closes the connection before the watch is closed; see {@link TimedReads#watchForEnd}. */
    ClientDeparture.Watch watchForEnd(Runnable onEnd) {
        return reads.watchForEnd(onEnd);
    }

    /** Whether the request being routed came as HTTP/1.0. */
    boolean http10() {
        return reads.http10();
    }

    /** The response is complete; with {@code close}, no further request is read and the connection closes. */
    void responded(boolean close) {
        reads.responded();
        if (close) {
            // Not reading a request now, Helidon only marks the connection to end once this request is done.
            http1.close(false);
        }
    }

    @Override
    public boolean canInterrupt() {
        return http1 instanceof InterruptableTask<?> task && task.canInterrupt();
    }

    @Override
    public Duration idleTime() {
        return http1.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
        http1.close(interrupt);
    }
}
