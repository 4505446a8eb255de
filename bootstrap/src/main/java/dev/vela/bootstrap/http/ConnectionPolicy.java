package dev.vela.bootstrap.http;

import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.spi.ProtocolConfig;
import java.time.Duration;

/**
 * How Vela's listener treats a connection: HTTP/1.1 as Helidon parses it ({@code http1}), plus the
 * two timeouts Helidon's server side lacks. Configured under {@code server.protocols.vela}, which
 * VelaServer derives from {@code vela.timeout-keep-alive} and {@code vela.read-timeout}.
 *
 * @param name        the protocol configuration's name
 * @param keepAlive   how long a connection may wait for its next request (or its first) before it is closed
 * @param readTimeout how long a request's head may take from its first byte, and the longest pause within its body
 * @param http1       Helidon's HTTP/1.1 settings for the same connections
 */
public record ConnectionPolicy(String name, Duration keepAlive, Duration readTimeout, Http1Config http1)
        implements ProtocolConfig {

    /** The protocol type and configuration key under {@code server.protocols}. */
    public static final String TYPE = "vela";

    public ConnectionPolicy {
        if (keepAlive.isNegative() || keepAlive.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("connection timeouts must be positive, got keep-alive " + keepAlive
                    + " and read " + readTimeout);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }
}
