package dev.vela.bootstrap;

import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the server a test class asks for with {@link WithVelaServer}, reusing the running one when
 * the settings are the same (Helidon MP runs one CDI container per JVM, so a different setting
 * means a restart). Test methods receive a {@link TestClient}.
 */
final class VelaServerExtension implements BeforeAllCallback, ParameterResolver {

    private static final Map<String, Path> MODELS = new HashMap<>();
    private static Map<String, String> runningSettings;
    private static VelaServer running;
    private static Path workDir;

    @Override
    public void beforeAll(ExtensionContext context) {
        WithVelaServer config = context.getRequiredTestClass().getAnnotation(WithVelaServer.class);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("vela.model", model(config.model(), config.weights()).toString());
        settings.put("server.port", "0");
        settings.put("server.host", "127.0.0.1");
        for (String entry : config.settings()) {
            int eq = entry.indexOf('=');
            settings.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        start(settings);
    }

    /** A server with {@code settings}; the cache directory (demo model, packed weights) is the run's own unless given. */
    static synchronized VelaServer start(Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(settings);
        all.putIfAbsent("vela.cache-dir", cacheDir().toString());
        if (running != null && all.equals(runningSettings)) {
            return running;
        }
        stop();
        running = VelaServer.start(all);
        runningSettings = Map.copyOf(all);
        return running;
    }

    /** The test run's cache directory, so that no test writes into the user's {@code ~/.cache/vela}. */
    static Path cacheDir() {
        return work().resolve("cache");
    }

    static synchronized void stop() {
        if (running != null) {
            running.close();
            running = null;
            runningSettings = null;
        }
    }

    /** A model directory written once per test run. */
    static synchronized Path model(ModelPreset preset, WeightType weights) {
        return MODELS.computeIfAbsent(preset + "-" + weights,
                key -> RandomModelWriter.write(preset, weights, 7, work().resolve("models").resolve(key)));
    }

    private static Path work() {
        if (workDir == null) {
            try {
                workDir = Files.createTempDirectory("vela-test-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> RandomModelWriter.delete(workDir)));
        }
        return workDir;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        return parameter.getParameter().getType() == TestClient.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        return new TestClient(running.port());
    }
}
