package dev.vela.bootstrap.http;

import io.helidon.webserver.ProtocolConfigs;
import io.helidon.webserver.spi.ServerConnectionSelector;
import io.helidon.webserver.spi.ServerConnectionSelectorProvider;

/**
 * Serves HTTP/1.1 through {@link GuardedConnection}s on listeners configured with the {@code vela}
 * protocol. VelaServer makes that the listener's only protocol, so that Helidon hands each accepted
 * socket straight to it instead of first waiting, without a time limit, for bytes to tell protocols apart.
 */
public class GuardedConnectionProvider implements ServerConnectionSelectorProvider<ConnectionPolicy> {

    @Override
    public Class<ConnectionPolicy> protocolConfigType() {
        return ConnectionPolicy.class;
    }

    @Override
    public String protocolType() {
        return ConnectionPolicy.TYPE;
    }

    @Override
    public ServerConnectionSelector create(String listenerName, ConnectionPolicy config, ProtocolConfigs configs) {
        return new GuardedConnectionSelector(config);
    }
}
