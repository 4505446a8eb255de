package dev.vela.benchmarks;

import dev.vela.adapters.cpu.PanamaModelRunner;
import dev.vela.adapters.hf.GgmlType;
import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.application.port.out.Quantization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The CPU runner's speed at each weight format (bf16, q8_0, q4_0) on the same random-weight model,
 * in one run with the formats alternating round by round: single-stream decode and its share of
 * the memory-bandwidth floor (the packed bytes read per token over the bandwidth measured in the
 * same run), decode with 1, 4, 8 and 16 sequences, a 512-token prefill and the memory the packed
 * weights take; then llama.cpp on the same weights as a GGUF of each format where a build is found
 * ({@link LlamaCpp}). Run: {@code bin/bench quant}.
 */
public final class QuantizationBenchmark {

    private static final int DECODE = Integer.getInteger("vela.bench.decode", 64);
    private static final int ROUNDS = Integer.getInteger("vela.bench.rounds", 5);
    private static final int[] BATCHES = {1, 4, 8, 16};
    private static final int BATCH_PROMPT = 16;
    private static final int BATCH_DECODE = 32;
    private static final int PREFILL = 512;
    private static final int BLOCK = 16;
    /** {@code decode}: single-stream decode only (with llama.cpp's), no batches or prefill. */
    private static final boolean DECODE_ONLY = "decode".equals(System.getProperty("vela.bench.only"));

    private QuantizationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.getInteger("vela.bench.threads", Runtime.getRuntime().availableProcessors());
        ModelPreset preset = ModelPreset.valueOf(System.getProperty("vela.bench.model", "QWEN2_5_0_5B"));
        List<Quantization> formats = Arrays.stream(System.getProperty("vela.bench.formats", "none,q8_0,q4_0").split(","))
                .map(Quantization::of).toList();
        System.out.println(Machine.describe());
        Path dir = BenchModels.model(preset, WeightType.BFLOAT16);
        HfModelDirectory model = HfModelDirectory.open(dir);
        double bandwidthBefore = MemoryBandwidth.measure(1L << 30, threads, 9);

        int n = formats.size();
        long[] bytesPerToken = new long[n];
        long[] residentGrowth = new long[n];
        double[][] decode = new double[n][ROUNDS];
        double[][] batched = new double[n][BATCHES.length];
        double[] prefill = new double[n];
        List<PanamaModelRunner> runners = new ArrayList<>();
        try (SafetensorsModelWeights weights = SafetensorsModelWeights.open(model.modelFiles())) {
            try {
                for (int f = 0; f < n; f++) {
                    long before = residentBytes();
                    PanamaModelRunner runner = PanamaModelRunner.load(model.config(), weights, formats.get(f), threads);
                    residentGrowth[f] = residentBytes() - before;
                    runners.add(runner);
                    long positions = 16L * ((Math.max(PREFILL, BATCH_PROMPT + BATCH_DECODE) + BLOCK - 1) / BLOCK + 1) * BLOCK;
                    runner.allocateKvCache(BLOCK, Math.max(256L << 20, PanamaModelRunner.bytesFor(model.config(), positions)));
                    bytesPerToken[f] = runner.bytesPerToken();
                }
                for (int round = -1; round < ROUNDS; round++) {
                    for (int f = 0; f < n; f++) {
                        double rate = EngineBenchmark.decodeRound(runners.get(f), round, DECODE);
                        if (round >= 0) {
                            decode[f][round] = rate;
                        }
                    }
                }
                printDecode(formats, bytesPerToken, decode, residentGrowth, bandwidthBefore);
                for (int b = 0; b < BATCHES.length && !DECODE_ONLY; b++) {
                    for (int round = 0; round < 2; round++) {
                        for (int f = 0; f < n; f++) {
                            double rate = BatchBenchmark.run(runners.get(f), BATCHES[b], BATCH_PROMPT, BATCH_DECODE)[1];
                            batched[f][b] = Math.max(batched[f][b], rate);
                        }
                    }
                }
                for (int round = 0; round < 2 && !DECODE_ONLY; round++) {
                    for (int f = 0; f < n; f++) {
                        prefill[f] = Math.max(prefill[f], BatchBenchmark.run(runners.get(f), 1, PREFILL, 0)[0]);
                    }
                }
            } finally {
                runners.forEach(PanamaModelRunner::close);
            }
        }
        double bandwidth = Math.max(bandwidthBefore, MemoryBandwidth.measure(1L << 30, threads, 9));

        System.out.println();
        System.out.printf("model: %s, %d threads; memory read bandwidth %.1f GB/s (best of before and after)%n",
                preset.modelName(), threads, bandwidth / 1e9);
        if (!DECODE_ONLY) {
            System.out.println("format | batched decode tok/s at 1/4/8/16 | prefill 512 tok/s");
            for (int f = 0; f < n; f++) {
                System.out.printf("%-6s | %s | %.0f%n", formats.get(f).flagValue(), join(batched[f]), prefill[f]);
            }
        }
        for (int f = 0; f < n; f++) {
            GgmlType type = ggml(formats.get(f));
            LlamaCpp.Result single = LlamaCpp.decode(dir, type, threads, DECODE, ROUNDS);
            if (single.tokensPerSecond().isEmpty()) {
                System.out.println("llama.cpp: " + single.note());
                break;
            }
            double llama = single.tokensPerSecond().get();
            System.out.printf("llama.cpp %-4s: decode %.1f tok/s (%.0f %% of the floor of Vela's %s bytes) -> Vela / llama.cpp %.2fx (%s)%n",
                    type.name(), llama, 100 * llama * bytesPerToken[f] / bandwidth, formats.get(f).flagValue(),
                    Stats.median(decode[f]) / llama, single.note());
            if (!DECODE_ONLY) {
                LlamaCpp.BatchResult batch = LlamaCpp.batchedDecode(dir, type, threads, BATCH_PROMPT, BATCH_DECODE, BATCHES);
                LlamaCpp.BatchResult long512 = LlamaCpp.batchedDecode(dir, type, threads, PREFILL, 1, new int[] {1});
                Map<Integer, Double> rates = batch.tokensPerSecond();
                double[] llamaBatched = Arrays.stream(BATCHES).mapToDouble(b -> rates.getOrDefault(b, Double.NaN)).toArray();
                System.out.printf("llama.cpp %-4s: batched %s -> at 16 Vela / llama.cpp %.2fx; prefill 512 %.1f tok/s -> Vela / llama.cpp %.2fx%n",
                        type.name(), join(llamaBatched), batched[f][BATCHES.length - 1] / llamaBatched[BATCHES.length - 1],
                        long512.prefillPerSecond().getOrDefault(1, Double.NaN),
                        prefill[f] / long512.prefillPerSecond().getOrDefault(1, Double.NaN));
            }
        }
        System.out.println("reproduce: bin/bench quant   (-Dvela.bench.model=" + preset + " -Dvela.bench.threads=" + threads
                + " -Dvela.bench.formats=" + String.join(",", formats.stream().map(Quantization::flagValue).toList()) + ")");
    }

    private static void printDecode(List<Quantization> formats, long[] bytesPerToken, double[][] decode, long[] resident,
                                    double bandwidth) {
        System.out.printf("single-stream decode, memory read bandwidth %.1f GB/s measured before it:%n", bandwidth / 1e9);
        System.out.println("format | MB read/token | decode tok/s median (min-max) | % of floor | packed weights resident MB");
        for (int f = 0; f < formats.size(); f++) {
            double floor = bandwidth / bytesPerToken[f];
            double median = Stats.median(decode[f]);
            System.out.printf("%-6s | %13.0f | %6.1f (%.1f-%.1f) | %3.0f %% | %.0f%n", formats.get(f).flagValue(),
                    bytesPerToken[f] / 1e6, median, Stats.min(decode[f]), Stats.max(decode[f]), 100 * median / floor,
                    resident[f] / 1e6);
        }
        for (int f = 1; f < formats.size(); f++) {
            System.out.printf("%s / %s single-stream decode: %.2fx%n", formats.get(f).flagValue(), formats.get(0).flagValue(),
                    Stats.median(decode[f]) / Stats.median(decode[0]));
        }
        System.out.flush();
    }

    static GgmlType ggml(Quantization quantization) {
        return switch (quantization) {
            case NONE -> GgmlType.BF16;
            case Q8_0 -> GgmlType.Q8_0;
            case Q4_0 -> GgmlType.Q4_0;
        };
    }

    private static String join(double[] rates) {
        StringBuilder text = new StringBuilder();
        for (double rate : rates) {
            text.append(text.isEmpty() ? "" : " / ").append(String.format("%.1f", rate));
        }
        return text.toString();
    }

    /** This process's resident memory (Linux), 0 where it cannot be read. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no figure
        }
        return 0;
    }
}
