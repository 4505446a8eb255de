package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * A client that goes away takes its generation with it, whether it was streaming or waiting for
 * a whole answer: the engine stops generating for it as soon as the server sees the connection
 * gone, rather than running on to max_tokens, and the other clients are not disturbed.
 */
@WithVelaServer
class ClientDisconnectTest {

    private static final int CLIENTS = 100;
    private static final int MAX_TOKENS = 1000;
    /**
     * What a client's sequence may still generate once the client has closed: the step already
     * running when the server reads the end of the connection and the cancel reaches the engine.
     */
    private static final int TOKENS_AFTER_LEAVING = 1;
    private static final Duration GENEROUS = Duration.ofMinutes(2);
    /** Fewer than the test server's max-num-seqs (16), so that all of them and a bystander run at once. */
    private static final int WHOLE_ANSWER_CLIENTS = 12;

    @Test
    void streamingClientsThatLeaveAfterThreeChunksHaveTheirGenerationsCancelled(TestClient client) throws Exception {
        TestClient.Reply before = client.get("/metrics");
        String request = "{\"prompt\": \"Once upon a time\", \"max_tokens\": " + MAX_TOKENS
                + ", \"ignore_eos\": true, \"stream\": true}";
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> left = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                left.add(clients.submit(() -> readThreeChunksAndLeave(client.port(), request)));
            }
            for (Future<Integer> status : left) {
                assertEquals(200, status.get(), "each stream started");
            }
        }
        double whenAllHadLeft = generated(client.get("/metrics"));

        TestClient.Reply idle = awaitIdle(client);
        assertEquals(CLIENTS, count(idle, "abort") - count(before, "abort"), "every departed client's request was aborted");
        assertEquals(0.0, count(idle, "length") - count(before, "length"), "none ran on to max_tokens");
        double afterLeaving = generated(idle) - whenAllHadLeft;
        assertTrue(afterLeaving <= CLIENTS * TOKENS_AFTER_LEAVING,
                afterLeaving + " tokens were generated after every client had left");
        assertEquals(200, client.post("/v1/completions", "{\"prompt\": \"Hi\", \"max_tokens\": 2}").status(),
                "the server serves on");
    }

    @Test
    void clientsWaitingForWholeAnswersThatLeaveHaveTheirGenerationsCancelled(TestClient client) throws Exception {
        String bystander = "{\"prompt\": \"A bystander\", \"max_tokens\": 60, \"temperature\": 0, \"ignore_eos\": true}";
        String alone = client.post("/v1/completions", bystander).text();
        TestClient.Reply before = client.get("/metrics");
        String request = "{\"prompt\": \"Once upon a time\", \"max_tokens\": " + MAX_TOKENS + ", \"ignore_eos\": true}";
        List<RawConnection> leaving = new ArrayList<>();
        try (ExecutorService others = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < WHOLE_ANSWER_CLIENTS; i++) {
                RawConnection connection = new RawConnection(client.port(), 0);
                leaving.add(connection);
                connection.send("/v1/completions", request);
            }
            awaitRunning(client, WHOLE_ANSWER_CLIENTS);
            Future<String> together = others.submit(() -> client.post("/v1/completions", bystander).text());
            for (RawConnection connection : leaving) {
                connection.close();
            }
            double whenAllHadLeft = generated(client.get("/metrics"));
            assertEquals(alone, together.get(), "a client that stays gets the answer it gets alone");

            TestClient.Reply idle = awaitIdle(client);
            assertEquals(WHOLE_ANSWER_CLIENTS, count(idle, "abort") - count(before, "abort"),
                    "every departed client's request was aborted");
            assertEquals(1.0, count(idle, "length") - count(before, "length"), "only the bystander ran to max_tokens");
            double afterLeaving = generated(idle) - whenAllHadLeft;
            assertTrue(afterLeaving <= WHOLE_ANSWER_CLIENTS * TOKENS_AFTER_LEAVING + 60,
                    afterLeaving + " tokens were generated after every client had left (the bystander's 60 at most among them)");
        }
    }

    @Test
    void aClientThatSendsItsNextRequestsBeforeReadingIsNotTakenForGone(TestClient client) throws Exception {
        String request = "{\"prompt\": \"Pipelined\", \"max_tokens\": 20, \"temperature\": 0, \"ignore_eos\": true}";
        try (RawConnection connection = new RawConnection(client.port(), 0)) {
            for (int i = 0; i < 3; i++) {
                connection.send("/v1/completions", request);
            }
            for (int i = 0; i < 3; i++) {
                String response = connection.response();
                assertTrue(response.startsWith("200 "), "answer " + i + ": " + response);
                assertTrue(response.contains("\"finish_reason\":\"length\""), "answer " + i + " ran to max_tokens: " + response);
            }
            connection.send("/v1/completions", request);
            assertTrue(connection.response().contains("\"completion_tokens\":20"), "the connection serves on");
        }
    }

    private static int readThreeChunksAndLeave(int port, String request) throws Exception {
        try (RawConnection connection = new RawConnection(port, 0)) {
            int status = connection.post("/v1/completions", request);
            int chunks = 0;
            while (chunks < 3) {
                String line = connection.bodyLine();
                if (line == null) {
                    throw new AssertionError("the stream ended after " + chunks + " chunks");
                }
                if (line.startsWith("data: ")) {
                    chunks++;
                }
            }
            return status;
        }
    }

    /** The scrape once no request runs or waits, polled without sleeping until the generous deadline. */
    static TestClient.Reply awaitIdle(TestClient client) {
        Instant deadline = Instant.now().plus(GENEROUS);
        while (true) {
            TestClient.Reply scrape = client.get("/metrics");
            if (scrape.metric("vllm:num_requests_running") == 0 && scrape.metric("vllm:num_requests_waiting") == 0) {
                return scrape;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("requests still running after " + GENEROUS + ": "
                        + scrape.metric("vllm:num_requests_running"));
            }
        }
    }

    /** Polls, without sleeping, until at least {@code requests} requests run. */
    private static void awaitRunning(TestClient client, int requests) {
        Instant deadline = Instant.now().plus(GENEROUS);
        while (client.get("/metrics").metric("vllm:num_requests_running") < requests) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("fewer than " + requests + " requests ever ran at once");
            }
        }
    }

    static double generated(TestClient.Reply scrape) {
        return scrape.metric("vllm:generation_tokens_total");
    }

    /** Requests finished for {@code reason} so far; 0 before the first, when the series is not there yet. */
    static double count(TestClient.Reply scrape, String reason) {
        String label = "finished_reason=\"" + reason + "\"";
        return scrape.body().lines().anyMatch(line -> line.startsWith("vllm:request_success_total{") && line.contains(label))
                ? scrape.metric("vllm:request_success_total", label) : 0;
    }
}
