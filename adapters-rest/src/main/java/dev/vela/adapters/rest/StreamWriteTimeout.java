package dev.vela.adapters.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How long one write of a streamed answer may wait for a client that does not read. Past it the
 * request is cancelled and its connection closed: otherwise the engine would keep generating for
 * a client that takes nothing, and the events would pile up for it without bound.
 */
@ApplicationScoped
public class StreamWriteTimeout {

    private final Duration timeout;

    @Inject
    public StreamWriteTimeout(@ConfigProperty(name = "vela.stream-write-timeout", defaultValue = "30") double seconds) {
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("vela.stream-write-timeout must be a positive number of seconds, got " + seconds);
        }
        this.timeout = Duration.ofNanos((long) (seconds * 1e9));
    }

    Duration timeout() {
        return timeout;
    }
}
