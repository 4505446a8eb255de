package dev.vela.bootstrap.http;

import dev.vela.adapters.rest.error.ErrorResponses;
import dev.vela.adapters.rest.http.HttpSettings;
import dev.vela.adapters.rest.http.RequestSizeFilter;
import io.helidon.http.RequestException;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Helidon's own refusals of a request body that surface while Jersey reads it, in the OpenAI error
 * shape with their status: above all {@code server.max-payload-size}, the hard stop a chunk larger
 * than it hits before {@link RequestSizeFilter} has counted a byte, and a body that stops arriving
 * for longer than the read timeout ({@link TimedReads}).
 */
@Provider
public class HelidonRequestMapper implements ExceptionMapper<RequestException> {

    private final HttpSettings settings;

    @Inject
    public HelidonRequestMapper(HttpSettings settings) {
        this.settings = settings;
    }

    @Override
    public Response toResponse(RequestException e) {
        int status = e.status().code();
        if (status == 413) {
            return ErrorResponses.unreadBody(413, RequestSizeFilter.tooLarge("more than " + settings.maxRequestBytes()
                    + " bytes", settings.maxRequestBytes()));
        }
        String message = e.getMessage() == null || e.getMessage().isBlank() ? e.status().reasonPhrase() : e.getMessage();
        // Helidon gives up the connection after such a refusal (a read that timed out, say): the client must not reuse it.
        return e.keepAlive() ? ErrorResponses.of(status, message, null) : ErrorResponses.unreadBody(status, message);
    }
}
