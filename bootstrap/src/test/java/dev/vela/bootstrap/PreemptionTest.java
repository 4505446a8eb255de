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
 * With a KV cache too small for every request at once, the newest sequences are preempted and
 * recomputed later; every request still gets the answer it gets alone.
 */
@WithVelaServer(settings = {"vela.served-model-name=DeepSeek-R1-Distill-Qwen-32B", "vela.max-model-len=128",
    "vela.kv-cache-memory=131072", "vela.block-size=16"})
class PreemptionTest {

    private static String greedy(TestClient client, int prompt) {
        return client.post("/v1/completions", "{\"prompt\": \"Story number " + prompt + " begins\", "
                + "\"max_tokens\": 110, \"temperature\": 0, \"ignore_eos\": true}").text();
    }

    @Test
    void preemptedRequestsFinishWithTheAnswerTheyGetAlone(TestClient client) throws Exception {
        // tiny model: 8 KiB per 16-position block, so 128 KiB hold 16 blocks = 256 positions, 2 sequences of ~120:
        // any three of the six running at once must preempt, however the requests happen to arrive
        List<String> alone = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            alone.add(greedy(client, i));
        }
        double preemptionsBefore = client.get("/metrics").metric("vllm:num_preemptions_total");
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<CompletableFuture<String>> together = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                int index = i;
                together.add(CompletableFuture.supplyAsync(() -> greedy(client, index), pool));
            }
            for (int i = 0; i < 6; i++) {
                assertEquals(alone.get(i), together.get(i).get(), "request " + i);
            }
        }
        assertTrue(client.get("/metrics").metric("vllm:num_preemptions_total") > preemptionsBefore,
                "the cache could not hold all six at once");
    }
}
