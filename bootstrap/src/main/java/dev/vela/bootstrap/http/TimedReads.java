package dev.vela.bootstrap.http;

import dev.vela.adapters.rest.http.ClientDeparture;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ServerConnectionException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * A connection's reads, each with a deadline. Helidon reads a socket with no time limit, so a
 * client that connects and sends nothing, or sends a request a byte at a time, holds a thread and
 * a file descriptor for as long as it likes. Here each read runs on a virtual thread of its own
 * while the connection's thread waits for it no longer than the connection's phase allows:
 * <ul>
 *     <li>between requests (and before the first): the keep-alive timeout, then the connection
 *     closes quietly, as uvicorn closes an idle keep-alive connection;</li>
 *     <li>while a request's head arrives: the read timeout from its first byte, counted over the
 *     whole head, so that a head sent a byte at a time is not waited for without end;</li>
 *     <li>while a routed request's body is read: the read timeout for each read.</li>
 * </ul>
 * A request that times out is answered with 400 and its connection closed: the connection's
 * thread writes the answer while the abandoned read is still blocked, and closing the socket ends it.
 *
 * <p>While a request is answered, a read may already wait for the client's next bytes
 * ({@link #watchForEnd}): if the client closes its side instead, the answer learns it at once;
 * bytes that arrive are the next request's, handed to Helidon when it asks for them.
 *
 * <p>HTTP/1.0 requests are read as HTTP/1.1 (Helidon refuses 1.0 outright): the request line's
 * version is rewritten, a Host header added where there is none, and the connection is closed
 * after the response, which {@link Http10Writer} frames for a 1.0 client.
 */
final class TimedReads implements Supplier<byte[]> {

    private static final ExecutorService READS = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("vela-socket-read-", 0).factory());
    private static final byte[] HTTP_10 = " HTTP/1.0\r".getBytes(StandardCharsets.US_ASCII);

    private enum Phase { IDLE, HEAD, BODY }

    private final HelidonSocket socket;
    private final ConnectionPolicy policy;
    private Phase phase = Phase.IDLE;
    private long headDeadline;
    /** The read in flight, if any: only the connection's thread starts reads and takes their data. */
    private CompletableFuture<byte[]> pending;
    /** Why the connection can read no more: every later read fails the same way, so that the first cause is the one reported. */
    private RuntimeException failure;
    private volatile boolean http10;

    TimedReads(HelidonSocket socket, ConnectionPolicy policy) {
        this.socket = socket;
        this.policy = policy;
    }

    @Override
    public byte[] get() {
        if (failure != null) {
            throw failure;
        }
        long wait = switch (phase) {
            case IDLE -> policy.keepAlive().toNanos();
            case HEAD -> headDeadline - System.nanoTime();
            case BODY -> policy.readTimeout().toNanos();
        };
        byte[] data;
        try {
            data = read().get(Math.max(0, wait), TimeUnit.NANOSECONDS);
            pending = null;
        } catch (TimeoutException e) {
            failure = phase == Phase.IDLE ? new CloseConnectionException("No request within the keep-alive timeout") : timedOut();
            throw failure;
        } catch (InterruptedException e) {
            // Helidon interrupts a connection it closes (idle, or the server stopping) while it waits for a request.
            failure = new CloseConnectionException("The connection was closed while waiting for data", e);
            throw failure;
        } catch (ExecutionException e) {
            pending = null;
            if (e.getCause() instanceof RuntimeException failure && !(failure instanceof UncheckedIOException)) {
                throw failure;
            }
            throw new ServerConnectionException("Failed to get data from socket", e.getCause());
        }
        if (data != null && phase == Phase.IDLE) {
            phase = Phase.HEAD;
            headDeadline = System.nanoTime() + policy.readTimeout().toNanos();
            data = asHttp11(data);
        }
        return data;
    }

    /**
     * Runs {@code onEnd} once if the client's side of the connection ends (or the connection
     * breaks) before anything more arrives from it and before the returned watch is closed.
     * Called between reads by the connection's thread, once the request's body has been read.
     */
    ClientDeparture.Watch watchForEnd(Runnable onEnd) {
        if (failure != null) {
            return () -> { };
        }
        AtomicReference<Runnable> hook = new AtomicReference<>(onEnd);
        read().whenComplete((data, error) -> {
            Runnable ended = data == null ? hook.getAndSet(null) : null;
            if (ended != null) {
                ended.run();
            }
        });
        return () -> hook.set(null);
    }

    /** The read in flight, started if none is. */
    private CompletableFuture<byte[]> read() {
        if (pending == null) {
            pending = CompletableFuture.supplyAsync(socket::get, READS);
        }
        return pending;
    }

    /** The request's head has been read and routing starts: from now on each read waits the read timeout. */
    void routed() {
        phase = Phase.BODY;
    }

    /** The response has been sent: the next read waits for a new request. */
    void responded() {
        phase = Phase.IDLE;
    }

    /** Whether a request on this connection came as HTTP/1.0 (it is then the connection's last). */
    boolean http10() {
        return http10;
    }

    private RequestException timedOut() {
        long seconds = policy.readTimeout().toSeconds();
        return RequestException.builder()
                .type(io.helidon.http.DirectHandler.EventType.BAD_REQUEST)
                .status(Status.BAD_REQUEST_400)
                .message("Timed out reading the request: " + (phase == Phase.HEAD
                        ? "its head did not arrive in full within " + seconds + " s"
                        : "no more of its body arrived for " + seconds + " s") + " (vela.read-timeout)")
                .safeMessage(true)
                .setKeepAlive(false)
                .build();
    }

    /** The first bytes of a request, with an HTTP/1.0 request line rewritten to HTTP/1.1. */
    private byte[] asHttp11(byte[] data) {
        int lf = indexOf(data, (byte) '\n', 0);
        if (lf < HTTP_10.length || !regionMatches(data, lf - HTTP_10.length, HTTP_10)) {
            return data;
        }
        http10 = true;
        data[lf - 2] = '1';
        int end = indexOf(data, "\r\n\r\n".getBytes(StandardCharsets.US_ASCII), lf - 1);
        String head = new String(data, lf + 1, Math.max(0, (end < 0 ? data.length : end + 2) - lf - 1),
                StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
        if (head.startsWith("host:") || head.contains("\nhost:")) {
            return data;
        }
        // A 1.0 client need not send Host; HTTP/1.1 requires it.
        byte[] header = ("Host: " + localHost() + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] withHost = new byte[data.length + header.length];
        System.arraycopy(data, 0, withHost, 0, lf + 1);
        System.arraycopy(header, 0, withHost, lf + 1, header.length);
        System.arraycopy(data, lf + 1, withHost, lf + 1 + header.length, data.length - lf - 1);
        return withHost;
    }

    /** The address the client reached, as a Host header names it. */
    private String localHost() {
        try {
            String host = socket.localPeer().host();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + socket.localPeer().port();
        } catch (RuntimeException e) {
            // not an internet socket
            return "localhost";
        }
    }

    private static int indexOf(byte[] data, byte b, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int indexOf(byte[] data, byte[] what, int from) {
        for (int i = Math.max(0, from); i + what.length <= data.length; i++) {
            if (regionMatches(data, i, what)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean regionMatches(byte[] data, int at, byte[] what) {
        for (int i = 0; i < what.length; i++) {
            if (data[at + i] != what[i]) {
                return false;
            }
        }
        return true;
    }
}
