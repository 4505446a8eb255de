package dev.vela.benchmarks;

import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.bootstrap.VelaServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The HTTP server under load, as users see it: streaming completions from 1, 4, 8 and 16
 * concurrent clients against a random-weight model with Qwen2.5-0.5B's dimensions (bf16), with
 * aggregate output tokens per second and its ratio to one client, inter-token latency
 * percentiles, and the time to first token of a 512-token prompt alone and while 8 streams decode.
 * Run: {@code bin/bench load}.
 */
public final class LoadBenchmark {

    private static final int TOKENS = Integer.getInteger("vela.bench.tokens", 48);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private LoadBenchmark() {
    }

    /** One streamed request: when it was sent and when each chunk with tokens arrived (nanoTime). */
    private record Stream(long sent, List<Long> chunks) {

        double ttftSeconds() {
            return (chunks.getFirst() - sent) / 1e9;
        }
    }

    public static void main(String[] args) throws Exception {
        ModelPreset preset = ModelPreset.valueOf(System.getProperty("vela.bench.model", "QWEN2_5_0_5B"));
        Path model = BenchModels.model(preset, WeightType.BFLOAT16);
        try (VelaServer server = VelaServer.start(Map.of("vela.model", model.toString(), "server.port", "0",
                "server.host", "127.0.0.1", "vela.max-model-len", "2048", "vela.max-num-seqs", "16",
                "vela.max-num-batched-tokens", "512", "vela.served-model-name", "bench"));
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            String url = "http://127.0.0.1:" + server.port() + "/v1/completions";
            // warm-up: the batched kernels and the one-token ones both compiled before anything is timed
            run(url, clients, 16, 16);
            run(url, clients, 1, 32);
            int[] levels = Stats.intList("vela.bench.clients", "1,4,8,16");
            double[] throughput = new double[levels.length];
            double[][] itl = new double[levels.length][];
            for (int i = 0; i < levels.length; i++) {
                long start = System.nanoTime();
                List<Stream> streams = run(url, clients, levels[i], TOKENS);
                double seconds = (System.nanoTime() - start) / 1e9;
                int tokens = streams.stream().mapToInt(s -> s.chunks().size()).sum();
                throughput[i] = tokens / seconds;
                itl[i] = gaps(streams);
            }
            boolean timeToFirstToken = Boolean.parseBoolean(System.getProperty("vela.bench.ttft", "true"));
            double ttftAlone = timeToFirstToken
                    ? Stats.median(new double[] {ttft(url, clients, 0), ttft(url, clients, 0), ttft(url, clients, 0)}) : 0;
            double ttftLoaded = timeToFirstToken ? ttft(url, clients, 8) : 0;

            System.out.println();
            System.out.printf("model: %s, bf16, %d tokens per stream, CPU cores: %d%n", preset.modelName(), TOKENS,
                    Runtime.getRuntime().availableProcessors());
            System.out.println("clients | aggregate tok/s | x one client | ITL p50 ms | ITL p95 ms");
            for (int i = 0; i < levels.length; i++) {
                System.out.printf("%7d | %15.1f | %12.2f | %10.1f | %10.1f%n", levels[i], throughput[i],
                        throughput[i] / throughput[0], 1e3 * Stats.percentile(itl[i], 50), 1e3 * Stats.percentile(itl[i], 95));
            }
            if (timeToFirstToken) {
                System.out.printf("TTFT of a 512-token prompt: alone %.0f ms, while 8 streams decode %.0f ms%n",
                        1e3 * ttftAlone, 1e3 * ttftLoaded);
            }
            System.out.println("reproduce: bin/bench load   (-Dvela.bench.model=" + preset + " -Dvela.bench.tokens=" + TOKENS + ")");
        }
    }

    /** {@code clients} concurrent streams of {@code tokens} tokens each. */
    private static List<Stream> run(String url, ExecutorService pool, int clients, int tokens) throws Exception {
        List<CompletableFuture<Stream>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String prompt = "Client " + c + " asks: tell me a long story about the sea and the stars.";
            futures.add(CompletableFuture.supplyAsync(() -> stream(url, "\"" + prompt + "\"", tokens, null), pool));
        }
        List<Stream> streams = new ArrayList<>();
        for (CompletableFuture<Stream> f : futures) {
            streams.add(f.get());
        }
        return streams;
    }

    /** Time to first token of a 512-token prompt, with {@code background} long streams decoding meanwhile. */
    private static double ttft(String url, ExecutorService pool, int background) throws Exception {
        CountDownLatch decoding = new CountDownLatch(background);
        List<CompletableFuture<Stream>> others = new ArrayList<>();
        for (int i = 0; i < background; i++) {
            others.add(CompletableFuture.supplyAsync(() -> stream(url, "\"Background stream " + decoding.getCount() + "\"",
                    TOKENS * 2, decoding), pool));
        }
        decoding.await();
        StringBuilder ids = new StringBuilder("[");
        for (int i = 0; i < 512; i++) {
            ids.append(i == 0 ? "" : ",").append(1000 + (i * 37) % 20000);
        }
        Stream measured = stream(url, ids.append(']').toString(), 1, null);
        for (CompletableFuture<Stream> other : others) {
            other.get();
        }
        return measured.ttftSeconds();
    }

    private static Stream stream(String url, String prompt, int tokens, CountDownLatch firstToken) {
        String body = "{\"model\": \"bench\", \"prompt\": " + prompt + ", \"max_tokens\": " + tokens
                + ", \"temperature\": 0.7, \"ignore_eos\": true, \"stream\": true}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long sent = System.nanoTime();
        List<Long> chunks = new ArrayList<>();
        try {
            HttpResponse<java.util.stream.Stream<String>> response = HTTP.send(request, HttpResponse.BodyHandlers.ofLines());
            Iterator<String> lines = response.body().iterator();
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.startsWith("data: {") && line.contains("\"text\"") && !line.contains("\"finish_reason\":\"")) {
                    chunks.add(System.nanoTime());
                    if (chunks.size() == 1 && firstToken != null) {
                        firstToken.countDown();
                    }
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("a benchmark stream failed", e);
        }
        return new Stream(sent, chunks);
    }

    /** Gaps between consecutive chunks of every stream, in seconds. */
    private static double[] gaps(List<Stream> streams) {
        return streams.stream().flatMapToDouble(s -> {
            double[] gaps = new double[Math.max(0, s.chunks().size() - 1)];
            for (int i = 1; i < s.chunks().size(); i++) {
                gaps[i - 1] = (s.chunks().get(i) - s.chunks().get(i - 1)) / 1e9;
            }
            return java.util.Arrays.stream(gaps);
        }).toArray();
    }
}
