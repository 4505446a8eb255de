package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Stopping the server (what SIGTERM does through Helidon's shutdown hook) stops accepting
 * connections but lets a stream in flight run to its end.
 */
class GracefulShutdownTest {

    private static final int MAX_TOKENS = 200;

    @Test
    void aStreamInFlightFinishesWhenTheServerStops() throws Exception {
        VelaServerExtension.stop();
        VelaServer server = VelaServer.start(Map.of(
                "vela.model", VelaServerExtension.model(ModelPreset.TINY, WeightType.FLOAT32).toString(),
                "vela.max-model-len", "1024", "server.port", "0", "server.host", "127.0.0.1",
                "vela.cache-dir", VelaServerExtension.cacheDir().toString()));
        TestClient client = new TestClient(server.port());
        List<JsonObject> chunks = new ArrayList<>();
        boolean done = false;
        CompletableFuture<Void> stopping = null;
        LogCapture log = new LogCapture(VelaBeans.class.getName());
        try (TestClient.OpenStream events = client.openStream("/v1/completions", "{\"prompt\": \"Once upon a time\", "
                + "\"max_tokens\": " + MAX_TOKENS + ", \"ignore_eos\": true, \"stream\": true, "
                + "\"stream_options\": {\"include_usage\": true}}")) {
            String line;
            while ((line = events.body().readLine()) != null) {
                if (line.equals("data: [DONE]")) {
                    done = true;
                } else if (line.startsWith("data: ")) {
                    chunks.add(Json.createReader(new StringReader(line.substring(6))).readObject());
                    if (stopping == null) {
                        stopping = CompletableFuture.runAsync(server::close);   // the stream is in flight: stop now
                    }
                }
            }
        }
        stopping.join();
        log.close();
        assertTrue(log.messages().contains("Stopping: no new connections; requests in flight have up to 30 s to finish"),
                log.messages().toString());
        assertTrue(done, "the stream ended with [DONE]");
        JsonObject finished = chunks.get(chunks.size() - 2).getJsonArray("choices").getJsonObject(0);
        assertEquals("length", finished.getString("finish_reason"));
        assertEquals(MAX_TOKENS, chunks.getLast().getJsonObject("usage").getInt("completion_tokens"), "every token was generated");
        assertThrows(ConnectException.class, () -> client.openStream("/v1/completions", "{}").close(),
                "a stopped server accepts no connection");
    }
}
