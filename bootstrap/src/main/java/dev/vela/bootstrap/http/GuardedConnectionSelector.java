package dev.vela.bootstrap.http;

import io.helidon.common.buffers.BufferData;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.util.Set;

/** Takes every connection of its listener as HTTP/1.x, guarded by the listener's {@link ConnectionPolicy}. */
final class GuardedConnectionSelector implements ServerConnectionSelector {

    private final ConnectionPolicy policy;
    private final Http1ConnectionSelector http1;

    GuardedConnectionSelector(ConnectionPolicy policy) {
        this.policy = policy;
        this.http1 = Http1ConnectionSelector.builder().config(policy.http1()).build();
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    /** Everything: a request line Helidon cannot parse is answered with 400 by the connection, not dropped unanswered. */
    @Override
    public Support supports(BufferData request) {
        return Support.SUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new GuardedConnection(ctx, policy, http1);
    }
}
