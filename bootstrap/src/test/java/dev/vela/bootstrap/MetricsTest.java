package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /metrics} carries vLLM's series, named and labelled as vLLM names them, so vLLM's
 * dashboards and the Gateway API Inference Extension read Vela unchanged.
 */
@WithVelaServer
class MetricsTest {

    private static final String MODEL_LABEL = "model_name=\"DeepSeek-R1-Distill-Qwen-32B\"";
    private static final List<String> SERIES = List.of("vllm:num_requests_running", "vllm:num_requests_waiting",
            "vllm:kv_cache_usage_perc", "vllm:prompt_tokens_total", "vllm:generation_tokens_total",
            "vllm:request_success_total", "vllm:time_to_first_token_seconds_bucket",
            "vllm:inter_token_latency_seconds_bucket", "vllm:e2e_request_latency_seconds_bucket",
            "vllm:request_queue_time_seconds_bucket", "vllm:num_preemptions_total", "vllm:prefix_cache_queries_total",
            "vllm:prefix_cache_hits_total");

    /** The value of the first sample of {@code series} for the served model whose labels contain each of {@code labels}. */
    private static double sample(TestClient.Reply scrape, String series, String... labels) {
        return scrape.metric(series, Stream.concat(Stream.of(MODEL_LABEL), Stream.of(labels)).toArray(String[]::new));
    }

    private static TestClient.Reply scrape(TestClient client) {
        TestClient.Reply metrics = client.get("/metrics");
        assertEquals(200, metrics.status());
        return metrics;
    }

    @Test
    void everyVllmSeriesCarriesTheServedModelName(TestClient client) {
        TestClient.Reply scrape = scrape(client);
        for (String series : SERIES) {
            assertTrue(scrape.body().lines().anyMatch(line -> line.startsWith(series + "{") && line.contains(MODEL_LABEL)),
                    series + " with " + MODEL_LABEL);
        }
    }

    @Test
    void tokenCountersGrowByExactlyTheTokensOfTheRequests(TestClient client) {
        TestClient.Reply before = scrape(client);
        JsonObject completion = client.post("/v1/completions",
                "{\"prompt\": \"San Francisco is a\", \"max_tokens\": 7, \"ignore_eos\": true}").json();
        JsonObject chat = client.post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hello!\"}], "
                + "\"max_completion_tokens\": 5, \"ignore_eos\": true}").json();
        List<JsonObject> streamed = client.post("/v1/completions", "{\"prompt\": \"请介绍下中科院计算所？\", \"max_tokens\": 4, "
                + "\"ignore_eos\": true, \"stream\": true, \"stream_options\": {\"include_usage\": true}}").events();
        List<JsonObject> usages = List.of(completion.getJsonObject("usage"), chat.getJsonObject("usage"),
                streamed.getLast().getJsonObject("usage"));
        TestClient.Reply after = scrape(client);

        int prompt = usages.stream().mapToInt(u -> u.getInt("prompt_tokens")).sum();
        int generated = usages.stream().mapToInt(u -> u.getInt("completion_tokens")).sum();
        assertEquals(16, generated);
        assertEquals(prompt, delta(before, after, "vllm:prompt_tokens_total"));
        assertEquals(generated, delta(before, after, "vllm:generation_tokens_total"));
        assertEquals(3, delta(before, after, "vllm:request_success_total", "finished_reason=\"length\""));
        assertEquals(3, delta(before, after, "vllm:e2e_request_latency_seconds_count"));
        assertEquals(3, delta(before, after, "vllm:time_to_first_token_seconds_count"));
        assertEquals(3, delta(before, after, "vllm:request_queue_time_seconds_count"));
        assertEquals(generated - 3, delta(before, after, "vllm:inter_token_latency_seconds_count"),
                "one gap between each two tokens of a request");
        assertTrue(delta(before, after, "vllm:e2e_request_latency_seconds_sum") > 0);
    }

    @Test
    void gaugesArePlausibleWhenIdle(TestClient client) {
        TestClient.Reply scrape = scrape(client);
        assertEquals(0, sample(scrape, "vllm:num_requests_running"));
        assertEquals(0, sample(scrape, "vllm:num_requests_waiting"));
        double kv = sample(scrape, "vllm:kv_cache_usage_perc");
        assertTrue(kv >= 0 && kv <= 1, "KV-cache usage is a fraction: " + kv);
    }

    @Test
    void histogramsUseVllmsBuckets(TestClient client) {
        TestClient.Reply scrape = scrape(client);
        for (String le : List.of("0.001", "0.04", "2560.0")) {
            sample(scrape, "vllm:time_to_first_token_seconds_bucket", "le=\"" + le + "\"");
        }
        for (String le : List.of("0.01", "0.075", "80.0")) {
            sample(scrape, "vllm:inter_token_latency_seconds_bucket", "le=\"" + le + "\"");
        }
        for (String le : List.of("0.3", "0.8", "7680.0")) {
            sample(scrape, "vllm:e2e_request_latency_seconds_bucket", "le=\"" + le + "\"");
            sample(scrape, "vllm:request_queue_time_seconds_bucket", "le=\"" + le + "\"");
        }
    }

    private static double delta(TestClient.Reply before, TestClient.Reply after, String series, String... labels) {
        return sample(after, series, labels) - sample(before, series, labels);
    }
}
