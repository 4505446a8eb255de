package dev.vela.benchmarks;

import dev.vela.adapters.hf.HfTokenizer;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.bootstrap.VelaServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a prompt far longer than the context costs before it is refused: the server's answer time
 * for an 8 MB completions prompt (the 400 comes once the prompt's start alone overflows), beside
 * the time the real tokenizer takes over the whole prompt, which is what finding its length cost
 * before. The model has DeepSeek-R1-Distill's real tokenizer. Run: {@code bin/bench prompt}.
 */
public final class LongPromptBenchmark {

    private static final int PROMPT_BYTES = Integer.getInteger("vela.bench.prompt-bytes", 8_000_000);
    private static final String MAX_MODEL_LEN = System.getProperty("vela.bench.max-model-len", "2048");
    private static final String SENTENCE = "The quick brown fox jumps over the lazy dog, and 42 more words follow here. ";

    private LongPromptBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        ModelPreset preset = ModelPreset.valueOf(System.getProperty("vela.bench.model", "R1_DISTILL_VOCAB_TINY"));
        Path model = BenchModels.model(preset, WeightType.FLOAT32);
        String prompt = SENTENCE.repeat(PROMPT_BYTES / SENTENCE.length() + 1);
        String body = "{\"prompt\": \"" + prompt + "\", \"max_tokens\": 1}";
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        double[] refused = new double[Integer.getInteger("vela.bench.rounds", 3)];
        try (VelaServer server = VelaServer.start(Map.of("vela.model", model.toString(), "server.port", "0",
                "server.host", "127.0.0.1", "vela.max-model-len", MAX_MODEL_LEN, "vela.served-model-name", "bench"))) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/completions"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            for (int i = -1; i < refused.length; i++) {
                long start = System.nanoTime();
                HttpResponse<String> reply = http.send(request, HttpResponse.BodyHandlers.ofString());
                double seconds = (System.nanoTime() - start) / 1e9;
                if (reply.statusCode() != 400) {
                    throw new IllegalStateException("expected 400, got " + reply.statusCode() + ": " + reply.body());
                }
                if (i >= 0) {
                    refused[i] = seconds;
                } else {
                    System.out.println(reply.body());
                }
            }
        }
        double[] whole = new double[refused.length];
        try (HfTokenizer tokenizer = HfTokenizer.load(model.resolve("tokenizer.json"))) {
            for (int i = 0; i < whole.length; i++) {
                long start = System.nanoTime();
                tokenizer.encode(prompt, true);
                whole[i] = (System.nanoTime() - start) / 1e9;
            }
        }
        System.out.printf("%n%s, max-model-len %s, a %d-byte prompt, CPU cores: %d%n", preset.modelName(), MAX_MODEL_LEN,
                prompt.length(), Runtime.getRuntime().availableProcessors());
        System.out.printf("POST /v1/completions answered 400 in %.2f s (median of %d)%n", Stats.median(refused), refused.length);
        System.out.printf("tokenizing the whole prompt, which the length check waited for before: %.2f s (median of %d)%n",
                Stats.median(whole), whole.length);
    }
}
