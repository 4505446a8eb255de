package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Concurrent requests share the engine's steps on the batched CPU runner, and each gets exactly
 * what it would get alone; shared prompt prefixes come from the KV cache; a client that goes away
 * frees what it held.
 */
@WithVelaServer
class ContinuousBatchingTest {

    private static final String[] PROMPTS = {"The quick brown fox", "Hello", "请介绍下中科院计算所？",
        "A much longer prompt about the sea, the stars and the mountains, with many words in it", "1 2 3 4 5 6 7 8 9",
        "Once upon a time"};

    private static String greedy(TestClient client, String prompt, int maxTokens) {
        return client.post("/v1/completions", "{\"prompt\": \"" + prompt + "\", \"max_tokens\": " + maxTokens
                + ", \"temperature\": 0, \"ignore_eos\": true}").text();
    }

    private static double metric(TestClient client, String series) {
        return client.get("/metrics").metric(series);
    }

    @Test
    void greedyAnswersAreTheSameAloneAndInABatchOfMixedLengths(TestClient client) throws Exception {
        List<String> alone = new ArrayList<>();
        for (int i = 0; i < PROMPTS.length; i++) {
            alone.add(greedy(client, PROMPTS[i], 8 + 3 * i));
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<String>> together = new ArrayList<>();
            for (int i = 0; i < PROMPTS.length; i++) {
                int index = i;
                together.add(CompletableFuture.supplyAsync(() -> greedy(client, PROMPTS[index], 8 + 3 * index), pool));
            }
            for (int i = 0; i < PROMPTS.length; i++) {
                assertEquals(alone.get(i), together.get(i).get(), "prompt " + i);
            }
        }
    }

    @Test
    void aSharedPromptPrefixIsServedFromTheKvCache(TestClient client) {
        String system = "You are a helpful assistant. Answer briefly and politely, in the language of the question. "
                + "Never make things up; say when you do not know.";
        double hitsBefore = metric(client, "vllm:prefix_cache_hits_total");
        greedy(client, system + " Question: what is the sea?", 2);
        greedy(client, system + " Question: what are the stars?", 2);
        double hits = metric(client, "vllm:prefix_cache_hits_total") - hitsBefore;
        assertTrue(hits >= 16, "the shared system prompt's full blocks were reused: " + hits + " cached tokens");
    }

    @Test
    void aClientThatGoesAwayFreesItsSequence(TestClient client) throws Exception {
        try (TestClient.OpenStream stream = client.openStream("/v1/completions", "{\"prompt\": \"Go on forever\", "
                + "\"max_tokens\": 1000, \"ignore_eos\": true, \"stream\": true}")) {
            assertTrue(stream.body().read(new char[64]) > 0, "the stream started");
        }
        // the server sees the broken connection at its next write and cancels; poll the gauge, never sleep
        double running = Double.NaN;
        for (int attempt = 0; attempt < 2000; attempt++) {
            running = metric(client, "vllm:num_requests_running");
            if (running == 0) {
                break;
            }
        }
        assertEquals(0.0, running, "the abandoned sequence left the engine");
        greedy(client, "Hi", 1);
        assertEquals(0.0, metric(client, "vllm:kv_cache_usage_perc"), "and its KV blocks are free");
    }
}
