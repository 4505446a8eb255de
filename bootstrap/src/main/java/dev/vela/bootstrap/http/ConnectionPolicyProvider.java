package dev.vela.bootstrap.http;

import io.helidon.common.config.Config;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.spi.ProtocolConfigProvider;
import java.time.Duration;

/** Reads a {@link ConnectionPolicy} from {@code server.protocols.vela}; Helidon finds it through the service loader. */
public class ConnectionPolicyProvider implements ProtocolConfigProvider<ConnectionPolicy> {

    /** Used where the configuration names no timeout: uvicorn's keep-alive, and Helidon's own read timeout. */
    static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(5);
    static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

    @Override
    public String configKey() {
        return ConnectionPolicy.TYPE;
    }

    @Override
    public ConnectionPolicy create(Config config, String name) {
        return new ConnectionPolicy(name,
                config.get("keep-alive").asString().map(Duration::parse).orElse(DEFAULT_KEEP_ALIVE),
                config.get("read-timeout").asString().map(Duration::parse).orElse(DEFAULT_READ_TIMEOUT),
                Http1Config.builder().config(config).name(name).build());
    }
}
