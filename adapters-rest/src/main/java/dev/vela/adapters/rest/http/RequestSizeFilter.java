package dev.vela.adapters.rest.http;

import dev.vela.adapters.rest.error.ErrorResponses;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Refuses a request body over the limit ({@code vela.max-request-bytes}) with 413 in the OpenAI
 * error shape before it is read whole: at once when its Content-Length says so, otherwise as soon
 * as more than the limit has been read. Helidon's {@code server.max-payload-size} stays above it as
 * the hard stop, {@link #drainBytes} further on.
 *
 * <p>A body refused part way is read on to its end (up to the hard stop) and thrown away before
 * the 413 goes out: a server that closes its socket with request bytes still unread makes the
 * kernel reset the connection, and the client may then lose the 413 it was about to read.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION + 100)
@ApplicationScoped
public class RequestSizeFilter implements ContainerRequestFilter {

    private final HttpSettings settings;

    @Inject
    public RequestSizeFilter(HttpSettings settings) {
        this.settings = settings;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        long limit = settings.maxRequestBytes();
        if (request.getLength() > limit) {
            request.abortWith(ErrorResponses.of(413, tooLarge(request.getLength() + " bytes", limit), null));
            return;
        }
        if (request.hasEntity()) {
            request.setEntityStream(new LimitedStream(request.getEntityStream(), limit));
        }
    }

    /** How far past {@code limit} a refused body is read and dropped: the hard stop is there. */
    public static long drainBytes(long limit) {
        return Math.max(limit, 1L << 20);
    }

    /** The 413 message; also the one given when the server's hard limit ({@code server.max-payload-size}) refuses a body. */
    public static String tooLarge(String size, long limit) {
        return "Request body too large: " + size + "; this server accepts at most " + limit
                + " bytes (vela.max-request-bytes).";
    }

    /** Fails the read that goes past the limit, so a body without a length is never held whole. */
    private static final class LimitedStream extends FilterInputStream {

        private final long limit;
        private long read;

        LimitedStream(InputStream in, long limit) {
            super(in);
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                drain();
                throw new WebApplicationException(tooLarge("more than " + limit + " bytes", limit), 413);
            }
        }

        /** Reads what is left of the body, at most {@link #drainBytes} more; a failure here changes nothing. */
        private void drain() {
            byte[] skip = new byte[8192];
            long left = drainBytes(limit);
            try {
                int n;
                while (left > 0 && (n = in.read(skip, 0, (int) Math.min(skip.length, left))) > 0) {
                    left -= n;
                }
            } catch (IOException | RuntimeException e) {
                // the hard stop or a broken connection: the 413 goes out (or not) all the same
            }
        }
    }
}
