package dev.vela.benchmarks;

import com.github.tjake.jlama.model.AbstractModel;
import com.github.tjake.jlama.model.ModelSupport;
import com.github.tjake.jlama.safetensors.DType;
import com.github.tjake.jlama.safetensors.prompt.PromptContext;
import dev.vela.adapters.cpu.PanamaModelRunner;
import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.application.port.out.SequenceSlice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Single-stream decode of Vela's CPU engine against Jlama's own decode loop, on the same
 * random-weight model with Qwen2.5-0.5B's dimensions (bf16), in the same JVM run; this machine's
 * memory bandwidth and the decode floor it implies; and the sampler's cost per token over the real
 * vocabulary next to the decode step; and llama.cpp on the same weights where a build of it is on
 * the machine ({@link LlamaCpp}). Run: {@code bin/bench engine}.
 */
public final class EngineBenchmark {

    private static final int PROMPT = 16;
    private static final int DECODE = Integer.getInteger("vela.bench.decode", 64);
    private static final int ROUNDS = Integer.getInteger("vela.bench.rounds", 5);

    private EngineBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.getInteger("vela.bench.threads", Runtime.getRuntime().availableProcessors());
        ModelPreset preset = ModelPreset.valueOf(System.getProperty("vela.bench.model", "QWEN2_5_0_5B"));
        Path dir = BenchModels.model(preset, WeightType.BFLOAT16);
        HfModelDirectory model = HfModelDirectory.open(dir);

        double bandwidth1 = MemoryBandwidth.measure(1L << 30, 1, 5);
        double bandwidthBefore = MemoryBandwidth.measure(1L << 30, threads, 9);

        double[] vela;
        long bytesPerToken;
        try (SafetensorsModelWeights weights = SafetensorsModelWeights.open(model.modelFiles());
             PanamaModelRunner runner = PanamaModelRunner.load(model.config(), weights, threads)) {
            runner.allocateKvCache(16, 256L << 20);
            bytesPerToken = runner.bytesPerToken();
            vela = decodeTokensPerSecond(runner);
        }
        double[] jlama = jlamaTokensPerSecond(dir, threads);
        double[] sampling = SamplingProbe.microsPerToken(model.config().vocabSize(), ROUNDS, 200);
        double[] greedy = SamplingProbe.greedyMicrosPerToken(model.config().vocabSize(), ROUNDS, 200);
        LlamaCpp.Result llamaCpp = LlamaCpp.decode(dir, threads, DECODE, ROUNDS);
        // measured again at the end: on a shared virtual machine one measurement can catch a busy moment
        double bandwidthAfter = MemoryBandwidth.measure(1L << 30, threads, 9);
        double bandwidth = Math.max(bandwidthBefore, bandwidthAfter);

        double floorTokensPerSecond = bandwidth / bytesPerToken;
        double velaMedian = Stats.median(vela);
        double jlamaMedian = Stats.median(jlama);
        System.out.println();
        System.out.printf("model: %s, bf16, %d threads, %.0f MB read per token%n", preset.modelName(), threads, bytesPerToken / 1e6);
        System.out.printf("memory read bandwidth: %.1f GB/s (best of before %.1f and after %.1f; 1 thread %.1f GB/s)"
                        + " -> decode floor %.1f tok/s (%.1f ms/token)%n", bandwidth / 1e9, bandwidthBefore / 1e9,
                bandwidthAfter / 1e9, bandwidth1 / 1e9, floorTokensPerSecond, 1e3 / floorTokensPerSecond);
        System.out.printf("Vela decode : %6.1f tok/s median (min %.1f, max %.1f) = %.0f%% of the floor%n",
                velaMedian, Stats.min(vela), Stats.max(vela), 100 * velaMedian / floorTokensPerSecond);
        System.out.printf("Jlama decode: %6.1f tok/s median (min %.1f, max %.1f) = %.0f%% of the floor%n",
                jlamaMedian, Stats.min(jlama), Stats.max(jlama), 100 * jlamaMedian / floorTokensPerSecond);
        System.out.printf("Vela / Jlama: %.2fx%n", velaMedian / jlamaMedian);
        if (llamaCpp.tokensPerSecond().isPresent()) {
            double llama = llamaCpp.tokensPerSecond().get();
            System.out.printf("llama.cpp decode: %6.1f tok/s mean of %d = %.0f%% of the floor; Vela / llama.cpp: %.2fx (%s)%n",
                    llama, ROUNDS, 100 * llama / floorTokensPerSecond, velaMedian / llama, llamaCpp.note());
        } else {
            System.out.println("llama.cpp: " + llamaCpp.note());
        }
        System.out.printf("sampling at vocab %d, all processors on: %.0f us/token median (greedy %.0f us); "
                        + "a Vela decode step is %.0f us: sampling is %.1f%% of it%n",
                model.config().vocabSize(), Stats.median(sampling), Stats.median(greedy), 1e6 / velaMedian,
                100 * Stats.median(sampling) / (1e6 / velaMedian));
        System.out.println("reproduce: bin/bench engine   (-Dvela.bench.model=" + preset + " -Dvela.bench.threads=" + threads + ")");
    }

    /** Greedy decode of DECODE tokens after a PROMPT-token prompt, ROUNDS times; tokens per second each round. */
    private static double[] decodeTokensPerSecond(PanamaModelRunner runner) {
        double[] rounds = new double[ROUNDS];
        for (int round = -1; round < ROUNDS; round++) {
            double rate = decodeRound(runner, round, DECODE);
            if (round >= 0) {
                rounds[round] = rate;
            }
        }
        return rounds;
    }

    /**
     * One round of single-stream greedy decode: a PROMPT-token prompt, then {@code decode} tokens
     * one step each; tokens per second of the decode. Each round (from -1) has its own sequence and blocks.
     */
    static double decodeRound(PanamaModelRunner runner, int round, int decode) {
        long sequence = round + 10;
        int[] blocks = new int[(PROMPT + decode + 15) / 16];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = (int) ((round + 1) * blocks.length + i);
        }
        int[] prompt = new int[PROMPT];
        for (int i = 0; i < PROMPT; i++) {
            prompt[i] = 100 + i * 7;
        }
        int[] next = {0};
        runner.execute(List.of(new SequenceSlice(sequence, prompt, 0, blocks, PROMPT - 1)),
                (s, p, logits) -> next[0] = argmax(logits));
        long start = System.nanoTime();
        for (int step = 0; step < decode; step++) {
            int position = PROMPT + step;
            runner.execute(List.of(new SequenceSlice(sequence, new int[] {next[0]}, position, blocks, position)),
                    (s, p, logits) -> next[0] = argmax(logits));
        }
        return decode / ((System.nanoTime() - start) / 1e9);
    }

    /** Jlama's own generate loop (greedy), its decode phase timed by Jlama itself. */
    private static double[] jlamaTokensPerSecond(Path dir, int threads) {
        AbstractModel model = ModelSupport.loadModel(dir.toFile(), null, DType.F32, DType.F32, Optional.empty(),
                Optional.empty());
        try {
            double[] rounds = new double[ROUNDS];
            List<Long> stamps = new ArrayList<>();
            for (int round = -1; round < ROUNDS; round++) {
                stamps.clear();
                model.generate(UUID.randomUUID(), PromptContext.of("The quick brown fox jumps over the lazy dog again"),
                        0.0f, PROMPT + DECODE + 1, (text, time) -> stamps.add(System.nanoTime()));
                if (round >= 0) {
                    int n = stamps.size();
                    rounds[round] = (n - 1) / ((stamps.get(n - 1) - stamps.get(0)) / 1e9);
                }
            }
            return rounds;
        } finally {
            model.close();
        }
    }

    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
