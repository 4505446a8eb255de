package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * A streaming client that stops reading is given up once one write has waited the write timeout
 * for it: its generation is cancelled and its connection closed, so the server neither generates
 * nor holds output for it without bound. The small send buffer makes the server's writes block
 * after a few events rather than after megabytes.
 */
@WithVelaServer(settings = {"vela.served-model-name=DeepSeek-R1-Distill-Qwen-32B", "vela.max-model-len=2048",
    "vela.stream-write-timeout=0.05", "server.connection-options.socket-send-buffer-size=65536"})
class StalledClientTest {

    private static final int CHOICES = 8;

    @Test
    void aStreamingClientThatNeverReadsIsGivenUpAndItsGenerationCancelled(TestClient client) throws Exception {
        TestClient.Reply before = client.get("/metrics");
        try (RawConnection stalled = new RawConnection(client.port(), 4096)) {
            stalled.send("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"Tell me everything\"}], "
                    + "\"n\": " + CHOICES + ", \"max_tokens\": 2000, \"ignore_eos\": true, \"logprobs\": true, "
                    + "\"top_logprobs\": 20, \"stream\": true}");
            TestClient.Reply given = awaitAborted(client, ClientDisconnectTest.count(before, "abort") + CHOICES);
            assertEquals(0.0, ClientDisconnectTest.count(given, "length") - ClientDisconnectTest.count(before, "length"),
                    "the stalled request did not run on to max_tokens");
            assertEquals(0.0, given.metric("vllm:num_requests_running"), "nothing runs for the stalled client");

            assertFalse(stalled.drain().contains("data: [DONE]"), "the server closed the stream before its end");
        }
        assertEquals(200, client.post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], "
                + "\"max_tokens\": 2}").status(), "the server serves on");
    }

    /** The scrape once {@code aborts} requests have been aborted in all, polled without sleeping. */
    private static TestClient.Reply awaitAborted(TestClient client, double aborts) {
        Duration generous = Duration.ofMinutes(2);
        Instant deadline = Instant.now().plus(generous);
        while (true) {
            TestClient.Reply scrape = client.get("/metrics");
            if (ClientDisconnectTest.count(scrape, "abort") >= aborts) {
                return scrape;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("the stalled request was not aborted within " + generous);
            }
        }
    }
}
