package dev.vela.adapters.rest.http;

import java.util.Optional;

/**
 * What the HTTP adapter takes from the server's settings.
 *
 * @param apiKey          the key {@code /v1/*} requires; empty: every request is let in
 * @param maxRequestBytes request bodies larger than this are refused with 413
 * @param version         the server's version, for {@code GET /version}
 * @param accessLog       whether each request is logged (uvicorn's access log in vLLM)
 */
public record HttpSettings(Optional<ApiKey> apiKey, long maxRequestBytes, String version, boolean accessLog) {

    public HttpSettings {
        if (maxRequestBytes < 1) {
            throw new IllegalArgumentException("the request size limit must be positive, got " + maxRequestBytes);
        }
    }
}
