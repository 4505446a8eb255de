package dev.vela.adapters.rest.error;

import dev.vela.adapters.rest.wire.ErrorBody;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.error.NotFoundException;
import jakarta.json.Json;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Builds responses in the OpenAI error shape, with vLLM's type names for each status. */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    public static Response of(int status, String message, String param) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(body(status, message, param))
                .build();
    }

    /**
     * An error sent before the request body was read to its end. The rest of the body is still on
     * the connection, so it cannot carry another request: the response says {@code Connection: close}
     * and the client's next request opens a fresh one instead of failing on a closed socket.
     */
    public static Response unreadBody(int status, String message) {
        return Response.fromResponse(of(status, message, null)).header("Connection", "close").build();
    }

    /**
     * The error body as JSON text, for answers written below JAX-RS (by the HTTP server itself,
     * before a request reaches a resource).
     */
    public static String json(int status, String message) {
        return Json.createObjectBuilder()
                .add("error", Json.createObjectBuilder()
                        .add("message", message)
                        .add("type", typeOf(status))
                        .addNull("param")
                        .add("code", status))
                .build()
                .toString();
    }

    public static ErrorBody body(int status, String message, String param) {
        return ErrorBody.of(message, typeOf(status), param, status);
    }

    /** The error body for something that went wrong while generating (also sent inside a stream). */
    public static ErrorBody body(Throwable error) {
        if (error instanceof InvalidRequestException invalid) {
            return body(400, invalid.getMessage(), invalid.param());
        }
        if (error instanceof NotFoundException missing) {
            return body(404, missing.getMessage(), missing.param());
        }
        return body(500, error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage(), null);
    }

    static String typeOf(int status) {
        return switch (status) {
            case 400 -> "BadRequestError";
            case 401 -> "AuthenticationError";
            case 404 -> "NotFoundError";
            case 405 -> "MethodNotAllowed";
            case 413 -> "RequestEntityTooLarge";
            case 415 -> "UnsupportedMediaType";
            case 501 -> "NotImplementedError";
            case 503 -> "ServiceUnavailableError";
            default -> status >= 500 ? "InternalServerError" : "BadRequestError";
        };
    }
}
