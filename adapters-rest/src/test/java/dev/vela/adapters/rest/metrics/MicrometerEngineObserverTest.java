package dev.vela.adapters.rest.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.application.port.in.EngineStatus;
import dev.vela.domain.generation.FinishReason;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** What the engine reports becomes vLLM's Prometheus series, with vLLM's names, labels and buckets. */
class MicrometerEngineObserverTest {

    private static final String LABELS = "{engine=\"0\",model_name=\"DeepSeek-R1-Distill-Qwen-32B\",";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    private static final EngineStatus BUSY = new EngineStatus() {
        @Override
        public boolean healthy() {
            return true;
        }

        @Override
        public int runningCount() {
            return 3;
        }

        @Override
        public int waitingCount() {
            return 2;
        }

        @Override
        public double kvCacheUsage() {
            return 0.25;
        }
    };

    private MicrometerEngineObserver observer() {
        return new MicrometerEngineObserver(registry, "DeepSeek-R1-Distill-Qwen-32B", BUSY);
    }

    private List<String> scrape() {
        return registry.scrape().lines().toList();
    }

    @Test
    void gaugesReadTheEngineStatusAtEachScrape() {
        observer();
        List<String> lines = scrape();
        assertTrue(lines.contains("vllm:num_requests_running" + LABELS + "} 3.0"), String.join("\n", lines));
        assertTrue(lines.contains("vllm:num_requests_waiting" + LABELS + "} 2.0"));
        assertTrue(lines.contains("vllm:kv_cache_usage_perc" + LABELS + "} 0.25"));
    }

    @Test
    void modelInfoSaysHowTheModelIsServedInItsLabels() {
        observer().served("cpu/panama", "bfloat16", "q4_0");
        List<String> lines = scrape();
        assertTrue(lines.contains("vela:model_info{dtype=\"bfloat16\",engine=\"0\",model_name=\"DeepSeek-R1-Distill-Qwen-32B\","
                + "quantization=\"q4_0\",runner=\"cpu/panama\",} 1.0"), String.join("\n", lines));
    }

    @Test
    void countersAddUpWhatTheEngineReports() {
        MicrometerEngineObserver observer = observer();
        observer.stepped(12, 0);
        observer.stepped(0, 2);
        observer.stepped(5, 1);
        observer.finished(FinishReason.LENGTH, 0.01, 0.5, 17, 3);
        observer.preempted();
        observer.prefixCacheLookup(32, 16);
        List<String> lines = scrape();
        assertTrue(lines.contains("vllm:prompt_tokens_total" + LABELS + "} 17.0"), String.join("\n", lines));
        assertTrue(lines.contains("vllm:generation_tokens_total" + LABELS + "} 3.0"));
        assertTrue(lines.contains("vllm:request_success_total{engine=\"0\",finished_reason=\"length\","
                + "model_name=\"DeepSeek-R1-Distill-Qwen-32B\",} 1.0"));
        assertTrue(lines.contains("vllm:request_success_total{engine=\"0\",finished_reason=\"stop\","
                + "model_name=\"DeepSeek-R1-Distill-Qwen-32B\",} 0.0"));
        assertTrue(lines.contains("vllm:num_preemptions_total" + LABELS + "} 1.0"));
        assertTrue(lines.contains("vllm:prefix_cache_queries_total" + LABELS + "} 32.0"));
        assertTrue(lines.contains("vllm:prefix_cache_hits_total" + LABELS + "} 16.0"));
    }

    @Test
    void histogramsHaveVllmsBuckets() {
        MicrometerEngineObserver observer = observer();
        observer.firstToken(0.03);
        observer.interToken(0.02);
        observer.finished(FinishReason.STOP, 0.2, 0.9, 10, 5);
        assertEquals(buckets(MicrometerEngineObserver.TTFT_BUCKETS), le("vllm:time_to_first_token_seconds"));
        assertEquals(buckets(MicrometerEngineObserver.INTER_TOKEN_BUCKETS), le("vllm:inter_token_latency_seconds"));
        assertEquals(buckets(MicrometerEngineObserver.REQUEST_LATENCY_BUCKETS), le("vllm:e2e_request_latency_seconds"));
        assertEquals(buckets(MicrometerEngineObserver.REQUEST_LATENCY_BUCKETS), le("vllm:request_queue_time_seconds"));
        List<String> lines = scrape();
        assertTrue(lines.contains("vllm:time_to_first_token_seconds_bucket" + LABELS + "le=\"0.02\",} 0.0"));
        assertTrue(lines.contains("vllm:time_to_first_token_seconds_bucket" + LABELS + "le=\"0.04\",} 1.0"), String.join("\n", lines));
        assertTrue(lines.contains("vllm:e2e_request_latency_seconds_count" + LABELS + "} 1.0"));
        assertTrue(lines.contains("vllm:request_queue_time_seconds_sum" + LABELS + "} 0.2"));
    }

    @Test
    void vllmsBucketListsAreKeptExactly() {
        assertEquals(List.of(0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
                20.0, 40.0, 80.0, 160.0, 640.0, 2560.0), boxed(MicrometerEngineObserver.TTFT_BUCKETS));
        assertEquals(List.of(0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0, 120.0,
                240.0, 480.0, 960.0, 1920.0, 7680.0), boxed(MicrometerEngineObserver.REQUEST_LATENCY_BUCKETS));
    }

    @Test
    void closingRemovesEverySeries() {
        observer().close();
        assertFalse(registry.scrape().contains("vllm:"), registry.scrape());
    }

    private List<String> le(String histogram) {
        String prefix = histogram + "_bucket" + LABELS + "le=\"";
        return scrape().stream().filter(line -> line.startsWith(prefix))
                .map(line -> line.substring(prefix.length(), line.indexOf('"', prefix.length())))
                .filter(le -> !le.equals("+Inf")).toList();
    }

    private static List<String> buckets(double[] bounds) {
        return Arrays.stream(bounds).mapToObj(Double::toString).collect(Collectors.toList());
    }

    private static List<Double> boxed(double[] values) {
        return Arrays.stream(values).boxed().toList();
    }
}
