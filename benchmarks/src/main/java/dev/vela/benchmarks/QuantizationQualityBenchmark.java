package dev.vela.benchmarks;

import dev.vela.adapters.cpu.PanamaModelRunner;
import dev.vela.adapters.hf.GgmlType;
import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.HfTokenizer;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.application.port.out.Quantization;
import dev.vela.application.port.out.SequenceSlice;
import dev.vela.benchmarks.gguf.CachedGguf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How far quantization moves the next-token distributions: the mean KL divergence from bf16's and
 * the share of positions whose top token is bf16's, for q8_0 and q4_0 on the same weights, over
 * windows of ordinary English text (this repository's documentation) with the model's real
 * tokenizer; and llama.cpp's {@code llama-perplexity --kl-divergence} on the same weights as Q8_0
 * and Q4_0 GGUFs, over the same windows and positions, where a build is found. As llama.cpp does,
 * each window of {@value #WINDOW} tokens is a fresh sequence and only its second half is scored.
 * Run: {@code bin/bench quality}.
 */
public final class QuantizationQualityBenchmark {

    private static final int WINDOW = 512;
    private static final int WINDOWS = Integer.getInteger("vela.bench.windows", 8);
    private static final int BLOCK = 16;
    private static final Pattern KLD = Pattern.compile("Mean\\s+KLD:\\s+([0-9.eE+-]+)");
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
        int[] tokens = HfTokenizer.load(model.tokenizerJson()).encode(text, false);
        if (tokens.length < WINDOWS * WINDOW) {
            throw new IllegalStateException("the documentation is " + tokens.length + " tokens, fewer than " + WINDOWS * WINDOW);
        }
        List<Quantization> formats = List.of(Quantization.Q8_0, Quantization.Q4_0);
        double[] kl = new double[formats.size()];
        int[] sameTop = new int[formats.size()];
        int positions = 0;
        try (SafetensorsModelWeights weights = SafetensorsModelWeights.open(model.modelFiles())) {
            List<PanamaModelRunner> runners = new ArrayList<>();
            try {
                for (Quantization quantization : List.of(Quantization.NONE, Quantization.Q8_0, Quantization.Q4_0)) {
                    PanamaModelRunner runner = PanamaModelRunner.load(model.config(), weights, quantization, threads);
                    runner.allocateKvCache(BLOCK, PanamaModelRunner.bytesFor(model.config(), WINDOW + BLOCK));
                    runners.add(runner);
                }
                for (int w = 0; w < WINDOWS; w++) {
                    int[] window = java.util.Arrays.copyOfRange(tokens, w * WINDOW, (w + 1) * WINDOW);
                    List<double[]> reference = logProbabilities(runners.getFirst(), window);
                    for (int f = 0; f < formats.size(); f++) {
                        List<double[]> quantized = logProbabilities(runners.get(f + 1), window);
                        for (int p = 0; p < reference.size(); p++) {
                            kl[f] += divergence(reference.get(p), quantized.get(p));
                            sameTop[f] += argmax(reference.get(p)) == argmax(quantized.get(p)) ? 1 : 0;
                        }
                    }
                    positions += reference.size();
                }
            } finally {
                runners.forEach(PanamaModelRunner::close);
            }
        }
        System.out.println();
        System.out.printf("model: %s (real tokenizer, random weights); %d windows of %d tokens of docs/*.md, %d positions scored%n",
                preset.modelName(), WINDOWS, WINDOW, positions);
        Path textFile = Files.createTempFile("vela-quality", ".txt");
        try {
            Files.writeString(textFile, text, StandardCharsets.UTF_8);
            Path base = textFile.resolveSibling(textFile.getFileName() + ".kld");
            String baseProblem = llamaPerplexity(dir, GgmlType.BF16, textFile, base, false);
            for (int f = 0; f < formats.size(); f++) {
                String llama = baseProblem;
                if (baseProblem.isEmpty()) {
                    llama = llamaPerplexity(dir, QuantizationBenchmark.ggml(formats.get(f)), textFile, base, true);
                }
                System.out.printf("%s vs bf16: Vela mean KL %.6f, same top token %.2f %%; %s%n", formats.get(f).flagValue(),
                        kl[f] / positions, 100.0 * sameTop[f] / positions, llama);
            }
            Files.deleteIfExists(base);
        } finally {
            Files.deleteIfExists(textFile);
        }
        System.out.println("reproduce: bin/bench quality   (-Dvela.bench.model=" + preset + " -Dvela.bench.windows=" + WINDOWS + ")");
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
                    "-t", Integer.toString(Runtime.getRuntime().availableProcessors()), "--kl-divergence-base", base.toString()));
            if (compare) {
                command.add("--kl-divergence");
            }
            String out = LlamaCpp.runWithLog(command);
            if (!compare) {
                return "";
            }
            Matcher kld = KLD.matcher(out);
            Matcher top = SAME_TOP.matcher(out);
            if (!kld.find() || !top.find()) {
                return "llama-perplexity printed no KL divergence";
            }
            return String.format("llama.cpp %s mean KL %s, same top token %s %%", type, kld.group(1), top.group(1));
        } catch (IOException | RuntimeException e) {
            return "llama.cpp: " + e.getMessage();
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
