package dev.vela.adapters.rest.error;

import dev.vela.adapters.rest.wire.ErrorBody;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/**
 * Errors Jersey raises before a resource runs (wrong method, wrong content type, unreadable body),
 * in the OpenAI shape with their own status. An unknown path is left to Helidon's routing.
 */
@Provider
public class WebApplicationMapper implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException e) {
        if (e.getResponse().getEntity() instanceof ErrorBody) {
            // Built with ErrorResponses where the error was found: already in the OpenAI shape, with its headers.
            return e.getResponse();
        }
        int status = e.getResponse().getStatus();
        if (e instanceof NotSupportedException) {
            return ErrorResponses.of(415, "Unsupported Media Type: Only 'application/json' is allowed", null);
        }
        if (status == 404) {
            // No resource matched: an empty 404 lets Helidon try its other routes (/openapi, /health, /metrics).
            return e.getResponse();
        }
        if (status == 405) {
            return ErrorResponses.of(405, "Method Not Allowed", null);
        }
        String message = e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase() : e.getMessage();
        // 413 here is RequestSizeFilter stopping a body part way through.
        return status == 413 ? ErrorResponses.unreadBody(413, message) : ErrorResponses.of(status, message, null);
    }
}
