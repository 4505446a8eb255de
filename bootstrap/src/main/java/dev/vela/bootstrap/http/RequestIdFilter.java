package dev.vela.bootstrap.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.logging.common.HelidonMdc;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Set;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Gives every request an id, on Helidon's routing so that every response carries it (the API, but
 * also health, metrics, docs and Helidon's own errors): the client's {@code X-Request-Id} when it
 * sent a usable one, else a new one. While the request runs, log lines written on its thread carry
 * the id ({@code %X{vela-request}} in {@code logging.properties}); when it ends, one access-log line
 * says what it was and how it ended, as uvicorn's access log does for vLLM.
 */
final class RequestIdFilter implements Filter {

    static final HeaderName X_REQUEST_ID = HeaderNames.create("X-Request-Id");
    /** The log-format key that carries the id; its value is written as {@code [id] }. */
    static final String MDC_KEY = "vela-request";
    /** Client ids are echoed only when they cannot break a log line or a header. */
    private static final Pattern USABLE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /** Probes and scrapes are logged at FINE, so that a probe every few seconds does not drown the log. */
    private static final Set<String> PROBES = Set.of("/health", "/health/live", "/health/ready", "/health/started",
            "/ping", "/metrics");
    private static final Logger ACCESS = Logger.getLogger("dev.vela.access");

    private final boolean accessLog;

    RequestIdFilter(boolean accessLog) {
        this.accessLog = accessLog;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        String id = request.headers().first(X_REQUEST_ID).filter(given -> USABLE_ID.matcher(given).matches())
                .orElseGet(() -> UUID.randomUUID().toString().replace("-", ""));
        response.header(X_REQUEST_ID, id);
        HelidonMdc.set(MDC_KEY, "[" + id + "] ");
        try {
            chain.proceed();
        } finally {
            if (accessLog) {
                String path = request.prologue().uriPath().rawPath();
                Level level = PROBES.contains(path) ? Level.FINE : Level.INFO;
                if (ACCESS.isLoggable(level)) {
                    ACCESS.log(level, request.remotePeer().host() + ":" + request.remotePeer().port() + " \""
                            + request.prologue().method().text() + " " + path + " "
                            + request.prologue().rawProtocol() + "\" " + response.status().code());
                }
            }
            HelidonMdc.remove(MDC_KEY);
        }
    }
}
