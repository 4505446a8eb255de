package dev.vela.benchmarks;

import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.bootstrap.VelaServer;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The server kept busy for a long time, as a fleet of chat clients keeps it: 64 clients each send
 * a streaming completion, read it to the end and send the next, for 10 minutes, against a
 * random-weight model with Qwen2.5-0.5B's dimensions (bf16) and a KV cache that holds every
 * running sequence at once. Reports the errors (any status but 200, a broken or short stream, an
 * error event), time to first token and end-to-end latency percentiles, and the resident memory
 * of this JVM (which hosts the server) from the start of the run to its end. Then 4× as many
 * clients as {@code --max-num-seqs} send one request each at once: what they get (served after
 * waiting in the queue, or refused with 503) and how long they waited.
 * Run: {@code bin/bench soak [duration]}, e.g. {@code bin/bench soak 2m}.
 */
public final class SoakBenchmark {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final String url;
    private final int tokens;

    private SoakBenchmark(String url, int tokens) {
        this.url = url;
        this.tokens = tokens;
    }

    public static void main(String[] args) throws Exception {
        Duration duration = BenchDurations.parse(System.getProperty("vela.bench.duration", "10m"));
        int clients = Integer.getInteger("vela.bench.clients", 64);
        int maxNumSeqs = Integer.getInteger("vela.bench.max-num-seqs", 64);
        int overload = Integer.getInteger("vela.bench.overload", 4);
        int tokens = Integer.getInteger("vela.bench.tokens", 32);
        // 64 running answers of about 52 tokens take 256 blocks of 16 (96 MiB of fp32 K and V on the CPU);
        // 128 MiB holds them with room, and is small enough that the warm-up and the first turns touch all of it.
        String kvCache = System.getProperty("vela.bench.kv-cache-memory", "128MiB");
        ModelPreset preset = ModelPreset.valueOf(System.getProperty("vela.bench.model", "QWEN2_5_0_5B"));
        Path model = BenchModels.model(preset, WeightType.BFLOAT16);

        Memory beforeServer = Memory.now();
        try (VelaServer server = VelaServer.start(Map.of("vela.model", model.toString(), "server.port", "0",
                "server.host", "127.0.0.1", "vela.max-model-len", "512", "vela.max-num-seqs", String.valueOf(maxNumSeqs),
                "vela.max-num-batched-tokens", "512", "vela.kv-cache-memory", kvCache, "vela.served-model-name", "bench"));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            String base = "http://127.0.0.1:" + server.port();
            SoakBenchmark bench = new SoakBenchmark(base + "/v1/completions", tokens);
            Memory loaded = Memory.now();
            // Warm-up: every client once, so the kernels are compiled and the KV cache's blocks touched.
            bench.oneEach(pool, clients);
            // Both ends are read right after a full collection, so the heap's size does not pass for a trend.
            double startLive = Memory.liveHeapMiB();
            Memory start = Memory.now();

            List<Memory> samples = new ArrayList<>();
            Queue<Outcome> soak = new ConcurrentLinkedQueue<>();
            long begin = System.nanoTime();
            long end = begin + duration.toNanos();
            List<CompletableFuture<Void>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                int client = c;
                running.add(CompletableFuture.runAsync(() -> {
                    for (int turn = 0; System.nanoTime() < end; turn++) {
                        soak.add(bench.stream(client, turn));
                    }
                }, pool));
            }
            long sampleEvery = Math.max(1, duration.toNanos() / 10);
            while (System.nanoTime() < end) {
                Thread.sleep(Duration.ofNanos(Math.min(sampleEvery, Math.max(1, end - System.nanoTime()))));
                samples.add(Memory.now());
            }
            for (CompletableFuture<Void> client : running) {
                client.join();
            }
            double soakSeconds = (System.nanoTime() - begin) / 1e9;
            double endLive = Memory.liveHeapMiB();
            Memory finish = Memory.now();

            int crowd = overload * maxNumSeqs;
            Metrics.Peak peak = new Metrics.Peak(base + "/metrics");
            Thread watcher = Thread.ofVirtual().start(peak);
            long crowdBegin = System.nanoTime();
            List<Outcome> crowded = bench.oneEach(pool, crowd);
            double crowdSeconds = (System.nanoTime() - crowdBegin) / 1e9;
            watcher.interrupt();
            watcher.join();
            Map<String, Double> metrics = Metrics.read(base + "/metrics");

            System.out.println();
            System.out.println(Machine.describe());
            System.out.printf("model: %s, bf16; --max-num-seqs %d, --max-model-len 512, --max-num-batched-tokens 512, "
                    + "--kv-cache-memory %s; %d tokens per answer (ignore_eos), temperature 0.7, /v1/completions%n",
                    preset.modelName(), maxNumSeqs, kvCache, tokens);
            System.out.println();
            report(String.format("soak: %d streaming clients sending for %s (the last answer ended after %.0f s)", clients,
                    BenchDurations.format(duration), soakSeconds), soak, soakSeconds);
            System.out.printf("preemptions: %.0f (the KV cache holds every running sequence: goal 0)%n",
                    metrics.getOrDefault("vllm:num_preemptions_total", Double.NaN));
            System.out.println("resident memory of this JVM (server and clients in one process; VmRSS from /proc/self/status):");
            System.out.printf("  before the server %s | model loaded %s | after warm-up (start) %s | end %s | end - start %+.0f MiB%n",
                    beforeServer, loaded, start, finish, finish.rssMiB() - start.rssMiB());
            StringBuilder series = new StringBuilder("  during the soak, every tenth:");
            for (Memory sample : samples) {
                series.append(' ').append(Math.round(sample.rssMiB()));
            }
            System.out.println(series.append(" MiB"));
            System.out.printf("  heap live after a full GC: start %.0f MiB, end %.0f MiB%n", startLive, endLive);
            System.out.println();
            report(String.format("%d x capacity: %d clients send one request each at once (--max-num-seqs %d)",
                    overload, crowd, maxNumSeqs), crowded, crowdSeconds);
            System.out.printf("  peak vllm:num_requests_running %.0f, peak vllm:num_requests_waiting %.0f; "
                    + "responses with Retry-After: %d%n", peak.running(), peak.waiting(),
                    crowded.stream().filter(Outcome::retryAfter).count());
            System.out.println();
            System.out.printf("reproduce: bin/bench soak %s   (-Dvela.bench.clients=%d -Dvela.bench.max-num-seqs=%d "
                    + "-Dvela.bench.tokens=%d -Dvela.bench.overload=%d -Dvela.bench.kv-cache-memory=%s)%n",
                    BenchDurations.format(duration), clients, maxNumSeqs, tokens, overload, kvCache);
        }
    }

    /** Every client sends one request, all at once; returns when all have ended. */
    private List<Outcome> oneEach(ExecutorService pool, int clients) {
        List<CompletableFuture<Outcome>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            futures.add(CompletableFuture.supplyAsync(() -> stream(client, 0), pool));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private Outcome stream(int client, int turn) {
        String body = "{\"model\": \"bench\", \"prompt\": \"" + Outcome.prompt(client, turn) + "\", \"max_tokens\": " + tokens
                + ", \"temperature\": 0.7, \"ignore_eos\": true, \"stream\": true,"
                + " \"stream_options\": {\"include_usage\": true}}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long sent = System.nanoTime();
        try {
            HttpResponse<java.util.stream.Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
            boolean retryAfter = response.headers().firstValue("Retry-After").isPresent();
            if (response.statusCode() != 200) {
                response.body().close();
                return Outcome.failed(response.statusCode(), "HTTP " + response.statusCode(), retryAfter);
            }
            long first = 0;
            int completionTokens = -1;
            int promptTokens = -1;
            boolean done = false;
            try (java.util.stream.Stream<String> lines = response.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    if (line.startsWith("data: {\"error\"")) {
                        return Outcome.failed(200, "error event", false);
                    }
                    if (first == 0 && line.startsWith("data: {") && line.contains("\"text\"")) {
                        first = System.nanoTime();
                    }
                    if (line.contains("\"usage\":{")) {
                        completionTokens = number(line, "\"completion_tokens\":");
                        promptTokens = number(line, "\"prompt_tokens\":");
                    }
                    done |= line.equals("data: [DONE]");
                }
            }
            if (!done) {
                return Outcome.failed(200, "stream ended without [DONE]", false);
            }
            if (completionTokens != tokens) {
                return Outcome.failed(200, "short answer", false);
            }
            return new Outcome(200, null, false, sent, first, System.nanoTime(), promptTokens, completionTokens);
        } catch (Exception e) {
            return Outcome.failed(0, e.getClass().getSimpleName(), false);
        }
    }

    /** The whole number after {@code key} in a line of JSON, or -1 when the key is not there. */
    private static int number(String line, String key) {
        int at = line.indexOf(key);
        if (at < 0) {
            return -1;
        }
        int from = at + key.length();
        int to = from;
        while (to < line.length() && Character.isDigit(line.charAt(to))) {
            to++;
        }
        return to == from ? -1 : Integer.parseInt(line.substring(from, to));
    }

    private static void report(String title, Iterable<Outcome> outcomes, double seconds) {
        List<Outcome> served = new ArrayList<>();
        Map<String, AtomicInteger> errors = new TreeMap<>();
        for (Outcome outcome : outcomes) {
            if (outcome.error() == null) {
                served.add(outcome);
            } else {
                errors.computeIfAbsent(outcome.error(), e -> new AtomicInteger()).incrementAndGet();
            }
        }
        double[] ttft = served.stream().mapToDouble(Outcome::ttftSeconds).toArray();
        double[] e2e = served.stream().mapToDouble(Outcome::e2eSeconds).toArray();
        long generated = served.stream().mapToLong(Outcome::tokens).sum();
        double prompt = served.stream().mapToInt(Outcome::promptTokens).average().orElse(Double.NaN);
        System.out.println(title + ":");
        System.out.printf("  requests: %d served, %d errors %s(goal 0); %.1f generated tok/s; prompts of %.1f tokens on average%n",
                served.size(), errors.values().stream().mapToInt(AtomicInteger::get).sum(),
                errors.isEmpty() ? "" : errors + " ", generated / seconds, prompt);
        System.out.printf("  time to first token p50 %.2f s, p99 %.2f s, max %.2f s | end to end p50 %.2f s, p99 %.2f s, max %.2f s%n",
                Stats.percentile(ttft, 50), Stats.percentile(ttft, 99), Stats.max(ttft),
                Stats.percentile(e2e, 50), Stats.percentile(e2e, 99), Stats.max(e2e));
    }

    /** What one request got. {@code error} is null when it was served in full. */
    private record Outcome(int status, String error, boolean retryAfter, long sent, long firstToken, long ended,
                           int promptTokens, int tokens) {

        static Outcome failed(int status, String error, boolean retryAfter) {
            return new Outcome(status, error, retryAfter, 0, 0, 0, 0, 0);
        }

        /** A different prompt per client and turn, so no answer is served from the prefix cache alone. */
        static String prompt(int client, int turn) {
            return "Client " + client + " turn " + turn + " asks: tell me a long story about the sea.";
        }

        double ttftSeconds() {
            return (firstToken - sent) / 1e9;
        }

        double e2eSeconds() {
            return (ended - sent) / 1e9;
        }
    }

    /** Resident and heap memory of this JVM at one moment. */
    private record Memory(double rssMiB, double heapMiB) {

        static Memory now() {
            double rss = Double.NaN;
            try {
                for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        rss = Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            return new Memory(rss, heap.getUsed() / (1024.0 * 1024.0));
        }

        /** The heap that is still reachable: used heap right after a full collection. */
        static double liveHeapMiB() {
            System.gc();
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
        }

        @Override
        public String toString() {
            return String.format("%.0f MiB (heap used %.0f MiB)", rssMiB, heapMiB);
        }
    }
}
