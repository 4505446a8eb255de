package dev.vela.bootstrap.http;

import dev.vela.adapters.rest.error.ErrorResponses;
import io.helidon.http.RequestException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
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
 * A request body whose framing breaks while it is read (a chunk size that is not hex, a
 * connection that ends before the declared length) is the client's error: 400 in the OpenAI shape,
 * and the connection closes, since where the next request would start is unknown. Helidon reports
 * these as whatever its parser threw; refusals Helidon or Vela already gave a status (the hard
 * size stop, a read timeout, the polite size limit) keep theirs.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION + 50)
@ApplicationScoped
public class UnreadableBodyFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        boolean hasEntity;
        try {
            // Jersey finds out by reading the body's first bytes, so a broken first chunk shows here already.
            hasEntity = request.hasEntity();
        } catch (WebApplicationException | RequestException e) {
            throw e;
        } catch (RuntimeException e) {
            throw FramedStream.unreadable(e);
        }
        if (hasEntity) {
            request.setEntityStream(new FramedStream(request.getEntityStream()));
        }
    }

    private static final class FramedStream extends FilterInputStream {

        FramedStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (WebApplicationException | RequestException e) {
                throw e;
            } catch (RuntimeException e) {
                throw unreadable(e);
            }
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                return super.read(buffer, offset, length);
            } catch (WebApplicationException | RequestException e) {
                throw e;
            } catch (RuntimeException e) {
                throw unreadable(e);
            }
        }

        private static WebApplicationException unreadable(RuntimeException e) {
            String why = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
            return new WebApplicationException(e, ErrorResponses.unreadBody(400,
                    "The request body could not be read: its framing is broken (" + why + ")"));
        }
    }
}
