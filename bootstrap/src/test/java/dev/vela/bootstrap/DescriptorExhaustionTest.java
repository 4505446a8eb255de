package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Vela process allowed few file descriptors ({@code ulimit -n} {@value #DESCRIPTORS}) is sent more
 * connections than it has descriptors for, each held open by its client: the listener stops
 * accepting at its derived connection limit instead of failing on "Too many open files" (which ends
 * Helidon's listener for good), and once clients go away it accepts and serves the ones that waited.
 */
class DescriptorExhaustionTest {

    private static final int DESCRIPTORS = 640;
    private static final Pattern LISTENING = Pattern.compile("Listening on port (\\d+) \\(at most (\\d+) connections open\\)");

    private static final List<String> LOG = new CopyOnWriteArrayList<>();
    private static Process vela;
    private static int port;
    private static int limit;

    @BeforeAll
    static void startVelaWithFewDescriptors() throws Exception {
        Path model = VelaServerExtension.model(ModelPreset.TINY, WeightType.FLOAT32);
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n " + DESCRIPTORS + " && exec \"$@\"", "vela",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow", "-Xshare:auto", "-Dvela.cache-dir=" + VelaServerExtension.cacheDir(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--model", model.toString(), "--max-model-len", "256", "--port", "0", "--host", "127.0.0.1",
                // Held connections stay open for the test's length; only their clients close them.
                "--timeout-keep-alive", "600", "--disable-uvicorn-access-log"));
        vela = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Matcher> serving = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            Matcher listening = null;
            try (BufferedReader err = new BufferedReader(new InputStreamReader(vela.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = err.readLine(); line != null; line = err.readLine()) {
                    LOG.add(line);
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        listening = m;
                    }
                    if (line.contains("Vela serving") && listening != null) {
                        serving.complete(listening);
                    }
                }
                serving.completeExceptionally(new IllegalStateException("vela stopped: " + String.join("\n", LOG)));
            } catch (IOException e) {
                serving.completeExceptionally(e);
            }
        });
        Matcher listening;
        try {
            listening = serving.get(120, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("vela did not start:\n" + String.join("\n", LOG), e);
        }
        port = Integer.parseInt(listening.group(1));
        limit = Integer.parseInt(listening.group(2));
    }

    @AfterAll
    static void stopVela() throws InterruptedException {
        if (vela != null) {
            vela.destroy();
            if (!vela.waitFor(60, TimeUnit.SECONDS)) {
                vela.destroyForcibly();
            }
        }
    }

    @Test
    void moreConnectionsThanDescriptorsWaitAndAreServedOnceOthersClose() {
        assertTrue(limit < DESCRIPTORS, "connection limit " + limit);
        List<RawHttp> held = new ArrayList<>();
        List<RawHttp> waiting = new ArrayList<>();
        try {
            for (int i = 0; i < limit; i++) {
                RawHttp http = new RawHttp(port);
                held.add(http);
                assertEquals(200, http.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").read().status());
            }
            // Together with the held ones, more connections than the process has descriptors.
            for (int i = limit; i < DESCRIPTORS + 32; i++) {
                waiting.add(new RawHttp(port).send("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
            }
            held.forEach(RawHttp::close);
            held.clear();
            for (RawHttp http : waiting) {
                assertEquals(200, http.read().status());
            }
        } finally {
            held.forEach(RawHttp::close);
            waiting.forEach(RawHttp::close);
        }
        assertEquals(200, RawHttp.modelsList(port).status());
        assertTrue(LOG.stream().noneMatch(line -> line.contains("Too many open files") || line.contains("terminating now")),
                String.join("\n", LOG));
    }
}
