package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --model org/name} downloads from the hub (here one on localhost, held mid-download by a
 * latch) while the server already listens: probes and requests get 503 until the model is
 * loaded, then 200. What each endpoint answered before and after is recorded once, and each test
 * checks one of them.
 */
class HubModelLoadingTest {

    private static final String REPO = "deepseek-ai/vela-tiny";
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final CountDownLatch WEIGHTS_RELEASED = new CountDownLatch(1);

    private static HttpServer hub;
    private static VelaServer server;
    private static Path cache;
    private static List<String> downloadLog;
    private static Map<String, TestClient.Reply> whileLoading;
    private static Map<String, TestClient.Reply> onceServing;

    @BeforeAll
    static void loadFromTheHub(@TempDir Path temp) throws Exception {
        hub = serve(VelaServerExtension.model(ModelPreset.TINY, WeightType.FLOAT32));
        cache = temp.resolve("hub");
        VelaServerExtension.stop();
        server = VelaServer.listen(Map.of("vela.model", REPO, "vela.download-dir", cache.toString(),
                "HF_ENDPOINT", "http://127.0.0.1:" + hub.getAddress().getPort(),
                "vela.served-model-name", "DeepSeek-R1-Distill-Qwen-32B", "vela.max-model-len", "1024",
                "server.port", "0", "server.host", "127.0.0.1", "vela.cache-dir", VelaServerExtension.cacheDir().toString()));
        TestClient client = new TestClient(server.port());
        try (LogCapture log = new LogCapture("dev.vela.adapters.hf.HfHubDownloader")) {
            CompletableFuture<Void> loading = CompletableFuture.runAsync(server::serveModel);
            whileLoading = probe(client);
            WEIGHTS_RELEASED.countDown();
            loading.join();
            downloadLog = log.messages();
        }
        onceServing = probe(client);
    }

    private static Map<String, TestClient.Reply> probe(TestClient client) {
        return Map.of("/health", client.get("/health"), "/ping", client.request("POST", "/ping", null),
                "/health/live", client.get("/health/live"), "/health/ready", client.get("/health/ready"),
                "/v1/models", client.get("/v1/models"), "/metrics", client.get("/metrics"));
    }

    @AfterAll
    static void stop() {
        WEIGHTS_RELEASED.countDown();
        if (server != null) {
            server.close();
        }
        hub.stop(0);
    }

    @Test
    void healthIs503WithAnEmptyBodyWhileTheModelLoads() {
        assertEquals(503, whileLoading.get("/health").status());
        assertEquals("", whileLoading.get("/health").body());
        assertEquals(503, whileLoading.get("/ping").status());
    }

    @Test
    void theServerIsLiveButNotReadyWhileTheModelLoads() {
        assertEquals(200, whileLoading.get("/health/live").status());
        assertEquals(503, whileLoading.get("/health/ready").status());
        assertEquals("DOWN", whileLoading.get("/health/ready").json().getString("status"));
    }

    @Test
    void requestsForTheModelGet503InTheOpenAiErrorShapeWhileItLoads() {
        TestClient.Reply models = whileLoading.get("/v1/models");
        assertEquals(503, models.status());
        assertEquals("ServiceUnavailableError", models.json().getJsonObject("error").getString("type"));
    }

    @Test
    void metricsAnswerWhileTheModelLoads() {
        assertEquals(200, whileLoading.get("/metrics").status());
        assertTrue(whileLoading.get("/metrics").body().contains("vllm:num_requests_running{engine=\"0\","
                + "model_name=\"DeepSeek-R1-Distill-Qwen-32B\",} 0.0"), whileLoading.get("/metrics").body());
    }

    @Test
    void healthIs200WithAnEmptyBodyOnceTheModelServes() {
        assertEquals(200, onceServing.get("/health").status());
        assertEquals("", onceServing.get("/health").body());
        assertEquals(200, onceServing.get("/ping").status());
    }

    @Test
    void theServerIsReadyOnceTheModelServes() {
        assertEquals(200, onceServing.get("/health/ready").status());
        assertEquals("UP", onceServing.get("/health/ready").json().getString("status"));
        assertEquals(200, onceServing.get("/health/live").status());
        assertEquals(200, onceServing.get("/v1/models").status());
        assertEquals(REPO, onceServing.get("/v1/models").json().getJsonArray("data").getJsonObject(0).getString("root"));
    }

    @Test
    void theModelLandsInTheHuggingFaceCache() throws IOException {
        Path snapshot = cache.resolve("models--deepseek-ai--vela-tiny").resolve("snapshots").resolve(COMMIT);
        assertTrue(Files.isRegularFile(snapshot.resolve("model.safetensors")));
        assertTrue(Files.isRegularFile(snapshot.resolve("tokenizer.json")));
        assertEquals(COMMIT, Files.readString(cache.resolve("models--deepseek-ai--vela-tiny").resolve("refs").resolve("main")));
    }

    @Test
    void eachFilesDownloadIsLogged() {
        assertTrue(downloadLog.stream().anyMatch(line -> line.startsWith("Downloading model.safetensors (")), downloadLog.toString());
        assertTrue(downloadLog.stream().anyMatch(line -> line.startsWith("model.safetensors: ") && line.endsWith("(100%), done")),
                downloadLog.toString());
    }

    /** The model directory as a hub repository; the weights are held back until the test releases them. */
    private static HttpServer serve(Path model) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/api/models/" + REPO, exchange -> {
            String siblings;
            try (Stream<Path> files = Files.list(model)) {
                siblings = files.map(f -> "{\"rfilename\": \"" + f.getFileName() + "\"}").collect(Collectors.joining(","));
            }
            send(exchange, ("{\"sha\": \"" + COMMIT + "\", \"siblings\": [" + siblings + "]}").getBytes(StandardCharsets.UTF_8));
        });
        http.createContext("/" + REPO + "/resolve/" + COMMIT + "/", exchange -> {
            String file = exchange.getRequestURI().getPath().substring(("/" + REPO + "/resolve/" + COMMIT + "/").length());
            if (file.endsWith(".safetensors")) {
                try {
                    WEIGHTS_RELEASED.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            send(exchange, Files.readAllBytes(model.resolve(file)));
        });
        http.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        http.start();
        return http;
    }

    private static void send(HttpExchange exchange, byte[] body) throws IOException {
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
