package dev.vela.bootstrap;

import dev.vela.adapters.rest.http.RequestSizeFilter;
import dev.vela.bootstrap.http.ConnectionLimit;
import dev.vela.bootstrap.http.ConnectionPolicy;
import io.helidon.microprofile.server.Server;
import jakarta.enterprise.inject.spi.CDI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * A running Vela server: Helidon MP with the settings given, plus those from the usual config
 * sources. Start-up goes in two steps so that probes get an answer while a large model loads:
 * {@link #listen} checks the settings and a local model directory, then listens; {@link #serveModel}
 * downloads and loads the model, after which requests are served and one line announces it.
 */
public final class VelaServer implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(VelaServer.class.getName());
    /** Held so that the level set from {@code --uvicorn-log-level} is not lost with a collected logger. */
    private static final Logger VELA_LOGS = Logger.getLogger("dev.vela");

    private final Server server;
    private final VelaSettings settings;
    private final ModelSource source;

    private VelaServer(Server server, VelaSettings settings, ModelSource source) {
        this.server = server;
        this.settings = settings;
        this.source = source;
    }

    /**
     * Starts a server and loads its model. {@code settings} are MicroProfile Config keys and values
     * that outrank every other config source (the command line's).
     *
     * @throws SettingsException for a malformed or unsupported setting, before anything listens
     * @throws StartupException  for a model that cannot be served
     */
    public static VelaServer start(Map<String, String> settings) {
        VelaServer server = listen(settings);
        server.serveModel();
        return server;
    }

    /** Checks the settings (and a local model directory), then listens; the model is not loaded yet. */
    static VelaServer listen(Map<String, String> commandLine) {
        ConfigSource given = new CommandLineConfigSource(commandLine, "command line", 500);
        Config givenConfig = config(given);
        VelaSettings settings = VelaSettings.from(givenConfig);
        VELA_LOGS.setLevel(level(settings.logLevel()));
        RunnerChoice.checkDevice(settings);
        ModelSource source = ModelSource.of(settings);
        Config config = config(given, new CommandLineConfigSource(helidonSettings(settings, givenConfig),
                "derived from vela.* settings", 450));
        Server server = Server.builder().config(config).build().start();
        LOG.info("Listening on port " + server.port() + " (at most "
                + config.getOptionalValue("server.max-tcp-connections", String.class).orElse("unlimited")
                + " connections open); GET /health answers 503 until the model is loaded");
        return new VelaServer(server, settings, source);
    }

    /** Loads the model and serves it; stops the server and rethrows when that fails. */
    void serveModel() {
        try {
            CDI.current().select(VelaBeans.class).get().serve(source);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        announce();
    }

    public int port() {
        return server.port();
    }

    private static Config config(ConfigSource... sources) {
        return ConfigProviderResolver.instance().getBuilder()
                .addDefaultSources()
                .addDiscoveredSources()
                .addDiscoveredConverters()
                .withSources(sources)
                .build();
    }

    /**
     * Helidon's own keys for Vela's settings, unless they were set directly: the shutdown grace
     * period, the hard request size limit above the polite one (see RequestSizeFilter), docs off,
     * and the connections: Vela's guarded HTTP/1.1 as the listener's only protocol (with the
     * keep-alive and read timeouts), at most {@code vela.max-connections} open, and Helidon's own
     * error messages in its answers (they are escaped, and only those Helidon marks safe).
     */
    private static Map<String, String> helidonSettings(VelaSettings settings, Config given) {
        Map<String, String> derived = new LinkedHashMap<>();
        derived.put("server.shutdown-grace-period", "PT" + settings.shutdownTimeoutSeconds() + "S");
        long limit = settings.maxRequestBytes();
        long drain = RequestSizeFilter.drainBytes(limit);
        derived.put("server.max-payload-size", String.valueOf(limit > Long.MAX_VALUE - drain ? Long.MAX_VALUE : limit + drain));
        if (!settings.docsEnabled()) {
            derived.put("mp.openapi.enabled", "false");
        }
        VelaSettings.Connections connections = settings.connections();
        derived.put("server.protocols-discover-services", "false");
        String protocol = "server.protocols." + ConnectionPolicy.TYPE + ".";
        derived.put(protocol + "keep-alive", "PT" + connections.keepAliveSeconds() + "S");
        derived.put(protocol + "read-timeout", "PT" + connections.readTimeoutSeconds() + "S");
        derived.put("server.error-handling.include-entity", "true");
        if (connections.maxConnections() > 0) {
            derived.put("server.max-tcp-connections", String.valueOf(connections.maxConnections()));
        } else {
            ConnectionLimit.derived().ifPresent(cap -> derived.put("server.max-tcp-connections", String.valueOf(cap)));
        }
        derived.keySet().removeIf(key -> given.getOptionalValue(key, String.class).isPresent());
        return derived;
    }

    private static Level level(String uvicornLevel) {
        return switch (uvicornLevel) {
            case "critical", "error" -> Level.SEVERE;
            case "warning" -> Level.WARNING;
            case "debug" -> Level.FINE;
            case "trace" -> Level.FINEST;
            default -> Level.INFO;
        };
    }

    private void announce() {
        ServingStack stack = CDI.current().select(VelaBeans.class).get().stack();
        String host = server.host();
        String shown = "0.0.0.0".equals(host) ? "localhost" : host;
        String base = "http://" + shown + ":" + server.port();
        LOG.info("Vela serving " + stack.served.card().id() + " at " + base + "/v1 (" + stack.engineDescription()
                + ", max-model-len " + stack.served.budget().maxModelLen() + ")"
                + (settings.docsEnabled() ? "; API docs at " + base + "/docs" : ""));
    }

    /**
     * Stops accepting connections, lets running requests finish (up to {@code vela.shutdown-timeout}),
     * then stops the engine. SIGTERM does the same through Helidon's shutdown hook.
     */
    @Override
    public void close() {
        server.stop();
    }
}
