package dev.vela.adapters.rest.metrics;

import dev.vela.application.port.in.EngineStatus;
import dev.vela.application.port.out.EngineObserver;
import dev.vela.domain.generation.FinishReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * vLLM's Prometheus metrics, with its names, labels ({@code model_name}, {@code engine}) and
 * histogram buckets, kept as Micrometer meters in the registry that {@code GET /metrics} exposes.
 * MicroProfile Metrics would add an {@code mp_scope} label to every series and cannot bucket
 * seconds as vLLM does, so dashboards written for vLLM would not match; Micrometer meters
 * registered directly print vLLM's names, labels and buckets.
 */
public final class MicrometerEngineObserver implements EngineObserver, AutoCloseable {

    /** vLLM's buckets for time to first token. */
    static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5,
        5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
    /** vLLM's buckets for the time between two tokens of one sequence. */
    static final double[] INTER_TOKEN_BUCKETS = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0,
        2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0};
    /** vLLM's buckets for whole-request latencies (end to end, queueing). */
    static final double[] REQUEST_LATENCY_BUCKETS = {0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0,
        40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};

    private final MeterRegistry registry;
    private final Tags tags;
    private final List<Meter> meters = new ArrayList<>();
    private final Counter promptTokens;
    private final Counter generationTokens;
    private final Map<FinishReason, Counter> requestSuccess = new EnumMap<>(FinishReason.class);
    private final Counter preemptions;
    private final Counter prefixCacheQueries;
    private final Counter prefixCacheHits;
    private final Timer timeToFirstToken;
    private final Timer interTokenLatency;
    private final Timer e2eRequestLatency;
    private final Timer requestQueueTime;

    /**
     * Registers every meter at once, so dashboards see each series from the first scrape.
     *
     * @param status the engine's gauges; read at each scrape
     */
    public MicrometerEngineObserver(MeterRegistry registry, String modelName, EngineStatus status) {
        this.registry = registry;
        this.tags = Tags.of("engine", "0", "model_name", modelName);
        gauge("vllm:num_requests_running", "Number of requests in model execution batches.", tags, status,
                EngineStatus::runningCount);
        gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", tags, status,
                EngineStatus::waitingCount);
        gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", tags, status,
                EngineStatus::kvCacheUsage);
        promptTokens = counter("vllm:prompt_tokens", "Number of prefill tokens processed.", tags);
        generationTokens = counter("vllm:generation_tokens", "Number of generation tokens processed.", tags);
        for (FinishReason reason : List.of(FinishReason.STOP, FinishReason.LENGTH, FinishReason.ABORT)) {
            requestSuccess.put(reason, successCounter(reason));
        }
        preemptions = counter("vllm:num_preemptions", "Cumulative number of preemption from the engine.", tags);
        prefixCacheQueries = counter("vllm:prefix_cache_queries",
                "Prefix cache queries, in terms of number of queried tokens.", tags);
        prefixCacheHits = counter("vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.", tags);
        timeToFirstToken = histogram("vllm:time_to_first_token", "Histogram of time to first token in seconds.",
                tags, TTFT_BUCKETS);
        interTokenLatency = histogram("vllm:inter_token_latency", "Histogram of inter-token latency in seconds.",
                tags, INTER_TOKEN_BUCKETS);
        e2eRequestLatency = histogram("vllm:e2e_request_latency",
                "Histogram of e2e request latency in seconds.", tags, REQUEST_LATENCY_BUCKETS);
        requestQueueTime = histogram("vllm:request_queue_time",
                "Histogram of time spent in WAITING phase for request.", tags, REQUEST_LATENCY_BUCKETS);
    }

    @Override
    public void stepped(int promptTokens, int generatedTokens) {
        this.promptTokens.increment(promptTokens);
        this.generationTokens.increment(generatedTokens);
    }

    @Override
    public void firstToken(double seconds) {
        record(timeToFirstToken, seconds);
    }

    @Override
    public void interToken(double seconds) {
        record(interTokenLatency, seconds);
    }

    @Override
    public void finished(FinishReason reason, double queueSeconds, double e2eSeconds, int promptTokens,
                         int generationTokens) {
        requestSuccess.computeIfAbsent(reason, this::successCounter).increment();
        record(requestQueueTime, queueSeconds);
        record(e2eRequestLatency, e2eSeconds);
    }

    @Override
    public void preempted() {
        preemptions.increment();
    }

    @Override
    public void prefixCacheLookup(int queriedTokens, int hitTokens) {
        prefixCacheQueries.increment(queriedTokens);
        prefixCacheHits.increment(hitTokens);
    }

    /** Removes the meters, so a server started again in the same JVM does not report stale series. */
    @Override
    public void close() {
        meters.forEach(registry::remove);
        meters.clear();
    }

    /**
     * {@code vela:model_info}: always 1, its labels say how the model is served (engine, dtype,
     * quantization), as vLLM's {@code vllm:cache_config_info} does for its cache settings.
     */
    public void served(String engine, String dtype, String quantization) {
        meters.add(Gauge.builder("vela:model_info", () -> 1).description("How the model is served, in its labels.")
                .tags(tags.and("runner", engine, "dtype", dtype, "quantization", quantization)).strongReference(true)
                .register(registry));
    }

    private void gauge(String name, String help, Tags tags, EngineStatus status,
                       java.util.function.ToDoubleFunction<EngineStatus> value) {
        meters.add(Gauge.builder(name, status, value).description(help).tags(tags).strongReference(true)
                .register(registry));
    }

    /** vLLM's finish reasons are stop, length and abort; others (tool_calls) get a series when first seen. */
    private Counter successCounter(FinishReason reason) {
        return counter("vllm:request_success", "Count of successfully processed requests.",
                tags.and("finished_reason", reason.wireName()));
    }

    private Counter counter(String name, String help, Tags tags) {
        Counter counter = Counter.builder(name).description(help).tags(tags).register(registry);
        meters.add(counter);
        return counter;
    }

    /**
     * A histogram of seconds. Micrometer's timers bucket exact nanoseconds and print seconds, adding
     * {@code _seconds} to the name; a distribution summary would round each value up to a whole
     * number before bucketing, putting every sub-second latency in the 1.0 bucket.
     */
    private Timer histogram(String name, String help, Tags tags, double[] buckets) {
        Timer timer = Timer.builder(name).description(help).tags(tags)
                .serviceLevelObjectives(Arrays.stream(buckets).mapToObj(MicrometerEngineObserver::duration)
                        .toArray(Duration[]::new))
                .register(registry);
        meters.add(timer);
        return timer;
    }

    private static void record(Timer timer, double seconds) {
        timer.record(Math.max(0, Math.round(seconds * 1e9)), TimeUnit.NANOSECONDS);
    }

    private static Duration duration(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }
}
