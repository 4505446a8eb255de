package dev.vela.bootstrap.http;

import dev.vela.adapters.rest.error.ErrorResponses;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Optional;

/**
 * Ties each routed request to its {@link GuardedConnection}: refuses a request whose body framing
 * is broken before anything reads the body, tells the connection when routing starts and ends, and
 * closes the connection after a response that says {@code Connection: close} (asked for by the
 * client, or given by Vela with a body left unread) or that answers an HTTP/1.0 request.
 */
final class ConnectionFilter implements Filter {

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        Optional<GuardedConnection> connection = GuardedConnection.current();
        connection.ifPresent(GuardedConnection::routed);
        boolean close = false;
        try {
            Optional<String> broken = RequestFraming.problem(request.headers());
            if (broken.isPresent()) {
                response.status(Status.BAD_REQUEST_400)
                        .header(HeaderValues.CONTENT_TYPE_JSON)
                        .header(HeaderValues.CONNECTION_CLOSE)
                        .send(ErrorResponses.json(400, broken.get()));
                close = true;
                return;
            }
            if (connection.map(GuardedConnection::http10).orElse(false)) {
                response.header(HeaderValues.CONNECTION_CLOSE);
            }
            chain.proceed();
            close = request.headers().contains(HeaderValues.CONNECTION_CLOSE)
                    || response.headers().contains(HeaderValues.CONNECTION_CLOSE)
                    || connection.map(GuardedConnection::http10).orElse(false);
        } finally {
            boolean closing = close;
            connection.ifPresent(guarded -> guarded.responded(closing));
        }
    }
}
