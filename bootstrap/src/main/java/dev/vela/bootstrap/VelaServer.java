package dev.vela.bootstrap;

import io.helidon.microprofile.server.Server;
import jakarta.enterprise.inject.spi.CDI;
import java.util.Map;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;

/** A running Vela server: Helidon MP with the settings given, plus those from the usual config sources. */
public final class VelaServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(VelaServer.class.getName());
    private final Server server;

    private VelaServer(Server server) {
        this.server = server;
    }

    /**
     * Starts a server. {@code settings} are MicroProfile Config keys and values that outrank every
     * other config source (the command line's).
     */
    public static VelaServer start(Map<String, String> settings) {
        Config config = ConfigProviderResolver.instance().getBuilder()
                .addDefaultSources()
                .addDiscoveredSources()
                .addDiscoveredConverters()
                .withSources(new CommandLineConfigSource(settings))
                .build();
        Server server = Server.builder().config(config).build().start();
        VelaServer vela = new VelaServer(server);
        vela.announce(config);
        return vela;
    }

    public int port() {
        return server.port();
    }

    private void announce(Config config) {
        ServingStack stack = CDI.current().select(VelaBeans.class).get().stack();
        String host = server.host();
        String shown = "0.0.0.0".equals(host) ? "localhost" : host;
        LOG.info("Vela serving " + stack.served.card().id() + " at http://" + shown + ":" + server.port()
                + "/v1 (" + stack.engineDescription() + ", max-model-len " + stack.served.budget().maxModelLen()
                + "); API docs at http://" + shown + ":" + server.port() + "/docs");
    }

    @Override
    public void close() {
        server.stop();
    }
}
