package dev.vela.benchmarks;

import dev.vela.adapters.cpu.PanamaModelRunner;
import dev.vela.adapters.hf.GgmlType;
import dev.vela.adapters.hf.GgufFile;
import dev.vela.adapters.hf.GgufModelConfig;
import dev.vela.adapters.hf.GgufModelWeights;
import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.HfTokenizer;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.domain.model.ModelConfig;
import dev.vela.application.port.out.ModelWeights;
import dev.vela.application.port.out.Quantization;
import dev.vela.application.port.out.SequenceSlice;
import dev.vela.benchmarks.gguf.CachedGguf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How far quantization moves the next-token distributions: the mean KL divergence from bf16's and
 * the share of positions whose top token is bf16's, for q8_0 and q4_0 on the same weights, over
 * windows of ordinary English text (this repository's documentation) with the model's real
 * tokenizer. Each format is measured three ways: Vela quantizing the bf16 weights itself
 * ({@code --quantization}), Vela serving the Q8_0 / Q4_0 GGUF of those weights, and llama.cpp's
 * {@code llama-perplexity --kl-divergence} on the same GGUF where a build is found; the GGUF keeps
 * the tied embedding at Q8_0 where Vela's own quantization keeps it as stored, so the second line
 * compares kernels on identical tensors. llama.cpp's tokens are checked against Vela's. As
 * llama.cpp does, each window of {@value #WINDOW} tokens is a fresh sequence and only its second
 * half is scored. Run: {@code bin/bench quality}.
 */
public final class QuantizationQualityBenchmark {

    private static final int WINDOW = 512;
    private static final int WINDOWS = Integer.getInteger("vela.bench.windows", 8);
    private static final int BLOCK = 16;
    private static final Pattern KLD = Pattern.compile("Mean\\s+KLD:\\s+([0-9.eE+-]+)");
    private static final Pattern MEDIAN = Pattern.compile("Median\\s+KLD:\\s+([0-9.eE+-]+)");
    private static final Pattern TAIL = Pattern.compile("99\\.9%\\s+KLD:\\s+([0-9.eE+-]+)");
    private static final Pattern MAXIMUM = Pattern.compile("Maximum\\s+KLD:\\s+([0-9.eE+-]+)");
    private static final Pattern SAME_TOP = Pattern.compile("Same top p:\\s+([0-9.eE+-]+)");

    private QuantizationQualityBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.getInteger("vela.bench.threads", Runtime.getRuntime().availableProcessors());
        ModelPreset preset = ModelPreset.valueOf(System.getProperty("vela.bench.model", "QWEN2_5_0_5B"));
        System.out.println(Machine.describe());
        Path dir = BenchModels.model(preset, WeightType.BFLOAT16);
        HfModelDirectory model = HfModelDirectory.open(dir);
        String text = documentation(Path.of(System.getProperty("vela.home", ".")).resolve("docs"));
        // with the tokenizer's own special tokens (DeepSeek's adds a BOS), as llama-perplexity tokenizes
        HfTokenizer tokenizer = HfTokenizer.load(model.tokenizerJson());
        int[] tokens = tokenizer.encode(text, true);
        int[] bos = tokenizer.encode("", true);
        if (tokens.length < WINDOWS * WINDOW) {
            throw new IllegalStateException("the documentation is " + tokens.length + " tokens, fewer than " + WINDOWS * WINDOW);
        }
        List<Quantization> formats = List.of(Quantization.Q8_0, Quantization.Q4_0);
        // per format: Vela quantizing the bf16 weights itself, then Vela serving llama.cpp's GGUF of them
        Divergences[][] scores = new Divergences[formats.size()][2];
        for (Divergences[] format : scores) {
            Arrays.setAll(format, v -> new Divergences());
        }
        List<AutoCloseable> open = new ArrayList<>();
        try {
            SafetensorsModelWeights weights = SafetensorsModelWeights.open(model.modelFiles());
            open.add(weights);
            PanamaModelRunner reference = runner(model.config(), weights, Quantization.NONE, threads, open);
            PanamaModelRunner[][] quantized = new PanamaModelRunner[formats.size()][2];
            for (int f = 0; f < formats.size(); f++) {
                quantized[f][0] = runner(model.config(), weights, formats.get(f), threads, open);
                Path gguf = CachedGguf.of(dir, QuantizationBenchmark.ggml(formats.get(f)));
                GgufModelWeights file = GgufModelWeights.open(gguf);
                open.add(file);
                quantized[f][1] = runner(ggufConfig(gguf), file, Quantization.NONE, threads, open);
            }
            for (int w = 0; w < WINDOWS; w++) {
                int[] window = Arrays.copyOfRange(tokens, w * WINDOW, (w + 1) * WINDOW);
                if (bos.length == 1) {
                    // llama-perplexity starts every window with the BOS when the tokenizer adds one
                    window[0] = bos[0];
                }
                List<double[]> expected = logProbabilities(reference, window);
                for (int f = 0; f < formats.size(); f++) {
                    for (int v = 0; v < 2; v++) {
                        List<double[]> actual = logProbabilities(quantized[f][v], window);
                        for (int p = 0; p < expected.size(); p++) {
                            scores[f][v].add(divergence(expected.get(p), actual.get(p)),
                                    argmax(expected.get(p)) == argmax(actual.get(p)));
                        }
                    }
                }
            }
        } finally {
            for (AutoCloseable resource : open.reversed()) {
                resource.close();
            }
        }
        System.out.println();
        System.out.printf("model: %s (real tokenizer, random weights); %d windows of %d tokens of docs/*.md, %d positions scored%n",
                preset.modelName(), WINDOWS, WINDOW, scores[0][0].count());
        Path textFile = Files.createTempFile("vela-quality", ".txt");
        try {
            Files.writeString(textFile, text, StandardCharsets.UTF_8);
            Path base = textFile.resolveSibling(textFile.getFileName() + ".kld");
            String baseProblem = llamaPerplexity(dir, GgmlType.BF16, textFile, base, false);
            if (baseProblem.isEmpty()) {
                System.out.println(sameWindows(base, tokens));
            }
            String fileEmbedding = model.config().tieWordEmbeddings()
                    ? "the tied embedding, which is also the output matrix, at Q8_0"
                    : "the embedding at the format and the output matrix at Q8_0";
            System.out.println("tensors: Vela's --quantization keeps the embedding as stored (bf16) and quantizes the lm_head to"
                    + " Q8_0; the GGUFs (read by llama.cpp and by Vela's GGUF path) hold " + fileEmbedding
                    + "; every layer matrix is at the format; norms and biases are f32 everywhere");
            for (int f = 0; f < formats.size(); f++) {
                String llama = baseProblem;
                if (baseProblem.isEmpty()) {
                    llama = llamaPerplexity(dir, QuantizationBenchmark.ggml(formats.get(f)), textFile, base, true);
                }
                System.out.printf("%s vs bf16:%n  Vela --quantization  %s%n  Vela on the GGUF     %s%n  %s%n",
                        formats.get(f).flagValue(), scores[f][0], scores[f][1], llama);
            }
            Files.deleteIfExists(base);
        } finally {
            Files.deleteIfExists(textFile);
        }
        System.out.println("reproduce: bin/bench quality   (-Dvela.bench.model=" + preset + " -Dvela.bench.windows=" + WINDOWS + ")");
    }

    private static PanamaModelRunner runner(ModelConfig config, ModelWeights weights, Quantization quantization, int threads,
                                            List<AutoCloseable> open) {
        PanamaModelRunner runner = PanamaModelRunner.load(config, weights, quantization, threads);
        open.add(runner);
        runner.allocateKvCache(BLOCK, PanamaModelRunner.bytesFor(config, WINDOW + BLOCK));
        return runner;
    }

    private static ModelConfig ggufConfig(Path gguf) {
        try (GgufFile file = GgufFile.open(gguf)) {
            return GgufModelConfig.read(file);
        }
    }

    /**
     * llama.cpp's figures for {@code type}: with {@code compare} false, writes bf16's distributions
     * to {@code base} and returns "" (or why llama.cpp cannot run); with true, its mean KL and
     * same-top share against them.
     */
    private static String llamaPerplexity(Path dir, GgmlType type, Path text, Path base, boolean compare) {
        try {
            Path program = LlamaCpp.program("llama-perplexity");
            Path gguf = CachedGguf.of(dir, type);
            List<String> command = new ArrayList<>(List.of(program.toString(), "-m", gguf.toString(), "-f", text.toString(),
                    "-c", Integer.toString(WINDOW), "--chunks", Integer.toString(WINDOWS), "-b", Integer.toString(WINDOW),
                    "-t", Integer.toString(Runtime.getRuntime().availableProcessors()), "--kl-divergence-base", base.toString(),
                    // its AMX kernels, which repacking selects where the CPU has AMX, crash under some hypervisors
                    "--no-repack"));
            if (compare) {
                command.add("--kl-divergence");
            }
            String out = LlamaCpp.runWithLog(command);
            if (!compare) {
                return "";
            }
            List<String> figures = new ArrayList<>();
            for (Pattern figure : List.of(KLD, MEDIAN, TAIL, MAXIMUM, SAME_TOP)) {
                Matcher found = figure.matcher(out);
                if (!found.find()) {
                    return "llama-perplexity printed no KL divergence";
                }
                figures.add(found.group(1));
            }
            return String.format("llama.cpp on the GGUF mean KL %s, median %s, 99.9 %% %s, max %s; same top token %s %%"
                    + " (llama-perplexity prints six decimals)", figures.toArray());
        } catch (IOException | RuntimeException e) {
            return "llama.cpp: " + e.getMessage();
        }
    }

    /** Per-position KL divergences and top-token agreements of one quantized run against bf16. */
    private static final class Divergences {
        private final List<Double> values = new ArrayList<>();
        private int sameTop;

        void add(double divergence, boolean sameTopToken) {
            values.add(divergence);
            sameTop += sameTopToken ? 1 : 0;
        }

        int count() {
            return values.size();
        }

        @Override
        public String toString() {
            double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            double mean = Arrays.stream(sorted).average().orElse(Double.NaN);
            return String.format("mean KL %.3e, median %.3e, 99.9 %% %.3e, max %.3e; same top token %.2f %%", mean,
                    sorted[sorted.length / 2], sorted[(int) Math.min(sorted.length - 1, Math.ceil(0.999 * sorted.length) - 1)],
                    sorted[sorted.length - 1], 100.0 * sameTop / sorted.length);
        }
    }

    /**
     * Whether llama.cpp scored the same tokens: its base file ({@code _logits_}, the window length,
     * the vocabulary size, the window count, then every window's tokens, little-endian) against the
     * windows Vela cut from its own tokenization of the same text.
     */
    private static String sameWindows(Path base, int[] tokens) throws IOException {
        try (FileChannel in = FileChannel.open(base)) {
            ByteBuffer header = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
            in.read(header, 0);
            int window = header.getInt(8);
            int windows = header.getInt(16);
            ByteBuffer theirs = ByteBuffer.allocate(window * windows * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            in.read(theirs, 20);
            if (window != WINDOW || windows != WINDOWS) {
                return "llama.cpp scored " + windows + " windows of " + window + " tokens, not " + WINDOWS + " of " + WINDOW;
            }
            for (int i = 0; i < window * windows; i++) {
                if (theirs.getInt(i * Integer.BYTES) != tokens[i]) {
                    return "llama.cpp's tokens differ from Vela's from token " + i + " (window " + i / WINDOW + ") on";
                }
            }
            return "llama.cpp scored the same " + window * windows + " tokens as Vela";
        }
    }

    /** Log-probabilities of the next token at each position of the window's second half. */
    private static List<double[]> logProbabilities(PanamaModelRunner runner, int[] window) {
        int[] table = new int[(window.length + BLOCK - 1) / BLOCK];
        for (int b = 0; b < table.length; b++) {
            table[b] = b;
        }
        List<double[]> rows = new ArrayList<>();
        runner.execute(List.of(new SequenceSlice(1, window, 0, table, window.length / 2)),
                (slice, position, logits) -> rows.add(logSoftmax(logits)));
        runner.release(1);
        // the row at the last position predicts a token outside the window, as llama.cpp's last does not count
        rows.removeLast();
        return rows;
    }

    private static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - max);
        }
        double log = max + Math.log(sum);
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = logits[i] - log;
        }
        return out;
    }

    /** KL(p || q) from log-probabilities. */
    private static double divergence(double[] logP, double[] logQ) {
        double sum = 0;
        for (int i = 0; i < logP.length; i++) {
            sum += Math.exp(logP[i]) * (logP[i] - logQ[i]);
        }
        return sum;
    }

    private static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    /** This repository's documentation, the Markdown files in name order: ordinary English prose with some code. */
    private static String documentation(Path docs) throws IOException {
        StringBuilder text = new StringBuilder();
        try (Stream<Path> files = Files.list(docs)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".md")).sorted().toList()) {
                text.append(Files.readString(file, StandardCharsets.UTF_8)).append('\n');
            }
        }
        return text.toString();
    }
}
