package dev.vela.bootstrap.http;

import dev.vela.adapters.rest.error.ErrorResponses;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import java.nio.charset.StandardCharsets;

/**
 * Helidon's own answers, given before or outside Jersey (a request line or header it cannot parse,
 * a body over the hard size limit, a path no route serves, a timed-out read), in the OpenAI error
 * shape instead of Helidon's empty or plain-text bodies.
 */
final class OpenAiDirectHandler implements DirectHandler {

    /** Every event type answered by this handler. */
    static final DirectHandlers ALL = all();

    /** What Helidon says instead of a message it does not consider safe to echo. */
    private static final String UNSAFE = "Bad request, see server log for more information";

    private static DirectHandlers all() {
        DirectHandlers.Builder handlers = DirectHandlers.builder();
        OpenAiDirectHandler handler = new OpenAiDirectHandler();
        for (EventType type : EventType.values()) {
            handlers.addHandler(type, handler);
        }
        return handlers.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        String text = message == null || message.isBlank() || message.equals(UNSAFE) ? describe(request, status) : message;
        headers.set(HeaderValues.CONTENT_TYPE_JSON);
        return TransportResponse.builder()
                .status(status)
                .headers(headers)
                .entity(ErrorResponses.json(status.code(), text).getBytes(StandardCharsets.UTF_8))
                .build();
    }

    private static String describe(TransportRequest request, Status status) {
        return switch (status.code()) {
            // uvicorn's answer to a request it cannot parse
            case 400 -> "Invalid HTTP request received.";
            case 404 -> "Not Found: " + request.method() + " " + request.path();
            default -> status.reasonPhrase();
        };
    }
}
