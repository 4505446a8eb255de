package dev.vela.benchmarks;

import dev.vela.adapters.cpu.PanamaModelRunner;
import dev.vela.adapters.cpu.ProductProbes;
import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.application.port.out.SequenceSlice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Batched decode of Vela's CPU runner without the server: {@code B} sequences of a 16-token prompt
 * are prefilled together, then decode 48 tokens each, all {@code B} in every forward pass; output
 * tokens per second at B = 1, 4, 8, 16 and the ratio to one sequence. The same shape as llama.cpp's
 * {@code llama-batched-bench -npp 16 -ntg 48 -npl 1,4,8,16}, which runs beside it on the same
 * weights where a build is on the machine ({@link LlamaCpp}). The load benchmark measures the same
 * through HTTP; this one shows what the forward pass alone does. Run: {@code bin/bench batch}.
 */
public final class BatchBenchmark {

    private static final int PROMPT = Integer.getInteger("vela.bench.prompt", 16);
    private static final int DECODE = Integer.getInteger("vela.bench.decode", 48);
    private static final int ROUNDS = Integer.getInteger("vela.bench.rounds", 3);
    private static final int[] BATCHES = Stats.intList("vela.bench.batches", "1,4,8,16");
    private static final int BLOCK = 16;
    private static final int PRODUCT_REPEATS = 10;
    /** Passes over each matrix's first block in a row when the weights stay in the cache. */
    private static final int RESIDENT_REPEATS = 20;

    private BatchBenchmark() {
    }

    public static void main(String[] args) {
        int threads = Integer.getInteger("vela.bench.threads", Runtime.getRuntime().availableProcessors());
        ModelPreset preset = ModelPreset.valueOf(System.getProperty("vela.bench.model", "QWEN2_5_0_5B"));
        Path dir = BenchModels.model(preset, WeightType.BFLOAT16);
        HfModelDirectory model = HfModelDirectory.open(dir);
        double[] decode = new double[BATCHES.length];
        double[] prefill = new double[BATCHES.length];
        double[] products = new double[BATCHES.length];
        double[] resident = new double[BATCHES.length];
        long flopsPerToken;
        double peakBefore;
        try (SafetensorsModelWeights weights = SafetensorsModelWeights.open(model.modelFiles());
             PanamaModelRunner runner = PanamaModelRunner.load(model.config(), weights, threads)) {
            int widest = Arrays.stream(BATCHES).max().orElse(1);
            long positions = (long) widest * ((PROMPT + DECODE + BLOCK - 1) / BLOCK + 1) * BLOCK;
            runner.allocateKvCache(BLOCK, Math.max(512L << 20, PanamaModelRunner.bytesFor(model.config(), positions)));
            flopsPerToken = runner.flopsPerToken();
            peakBefore = fmaPeak(threads);
            run(runner, 4, 16, 8);                               // warm-up
            for (int i = 0; i < BATCHES.length; i++) {
                double[] best = {0, 0};
                for (int round = 0; round < ROUNDS; round++) {
                    double[] rates = run(runner, BATCHES[i], PROMPT, DECODE);
                    best[0] = Math.max(best[0], rates[0]);
                    best[1] = Math.max(best[1], rates[1]);
                }
                prefill[i] = best[0];
                decode[i] = best[1];
            }
            ProductProbes probes = ProductProbes.of(runner);
            for (int i = 0; i < BATCHES.length; i++) {
                products[i] = probes.productRate(BATCHES[i], PRODUCT_REPEATS);
                resident[i] = probes.residentProductRate(BATCHES[i], RESIDENT_REPEATS);
            }
        }
        double peak = Math.max(peakBefore, fmaPeak(threads));  // this VM's second core comes and goes
        double peakOne = fmaPeak(1);
        LlamaCpp.BatchResult llamaCpp = LlamaCpp.batchedDecode(dir, threads, PROMPT, DECODE, BATCHES);
        Map<Integer, Double> llama = llamaCpp.tokensPerSecond();

        System.out.println();
        System.out.printf("model: %s, bf16, %d threads, prompt %d, %d decoded tokens per sequence, best of %d%n",
                preset.modelName(), threads, PROMPT, DECODE, ROUNDS);
        Map<Integer, Double> llamaPrefill = llamaCpp.prefillPerSecond();
        System.out.println("sequences | Vela decode tok/s | x one | prefill tok/s | llama.cpp decode tok/s | x one | llama.cpp prefill tok/s");
        for (int i = 0; i < BATCHES.length; i++) {
            Double other = llama.get(BATCHES[i]);
            Double otherOne = llama.get(1);
            Double otherPrefill = llamaPrefill.get(BATCHES[i]);
            System.out.printf("%9d | %17.1f | %5.2f | %13.1f | %22s | %5s | %23s%n", BATCHES[i], decode[i], decode[i] / decode[0],
                    prefill[i], other == null ? "-" : String.format("%.1f", other),
                    other == null || otherOne == null ? "-" : String.format("%.2f", other / otherOne),
                    otherPrefill == null ? "-" : String.format("%.1f", otherPrefill));
        }
        System.out.println("llama.cpp: " + llamaCpp.note());
        // A step of n sequences does n tokens' products: it cannot take less than n * flops / peak, nor
        // less than a one-sequence step (reading the weights), so n / max(...) bounds its rate.
        System.out.printf("FMA peak (best of before and after): %.0f GFLOP/s on %d threads; %.2f GFLOP of products per token%n",
                peak / 1e9, threads, flopsPerToken / 1e9);
        // The products alone, timed with nothing else in the step, bound it more tightly.
        for (int i = 0; i < BATCHES.length && BATCHES[0] == 1; i++) {
            double one = 1 / decode[0];
            double ceiling = BATCHES[i] / Math.max(one, BATCHES[i] * flopsPerToken / peak) / decode[0];
            double needed = BATCHES[i] * flopsPerToken / peak / (BATCHES[i] / decode[i]);
            double alone = products[i] / flopsPerToken / decode[0];
            String productsAlone = BATCHES[i] == 1 ? ""          // one token's products are bound by memory, not the FMA units
                    : String.format("; the products alone run at %.0f %% of the peak (ceiling %.2fx one)", 100 * products[i] / peak, alone);
            System.out.printf("%9d sequences: ceiling at the FMA peak %.2fx one%s; measured steps run the products at %.0f %% of the peak%n",
                    BATCHES[i], ceiling, productsAlone, 100 * needed);
        }
        // The same kernels on one core with their weights kept in its cache: the gap to the products
        // alone above is what fetching the weights from memory costs (the JVM has no prefetch to hide it).
        System.out.printf("one core's FMA peak %.0f GFLOP/s; the kernels on weights kept in the cache, one core:", peakOne / 1e9);
        for (int i = 0; i < BATCHES.length; i++) {
            if (BATCHES[i] > 1) {
                System.out.printf(" %d tokens %.0f %%", BATCHES[i], 100 * resident[i] / peakOne);
            }
        }
        System.out.println();
        System.out.println("reproduce: bin/bench batch   (-Dvela.bench.model=" + preset + " -Dvela.bench.threads=" + threads
                + " -Dvela.bench.prompt=" + PROMPT + ")");
    }

    private static double fmaPeak(int threads) {
        try {
            return FmaPeak.measure(threads, 3);
        } catch (Exception e) {
            throw new IllegalStateException("could not measure the FMA peak", e);
        }
    }

    /** One round: prefill of {@code batch} prompts of {@code length} tokens in one pass, then {@code steps} decode passes; tokens/s of each. */
    static double[] run(PanamaModelRunner runner, int batch, int length, int steps) {
        int blocksEach = (length + steps + BLOCK - 1) / BLOCK;
        List<int[]> tables = new ArrayList<>();
        int[] next = new int[batch];
        List<SequenceSlice> prompts = new ArrayList<>();
        for (int s = 0; s < batch; s++) {
            int[] table = new int[blocksEach];
            for (int b = 0; b < blocksEach; b++) {
                table[b] = b * batch + s;                        // interleaved, as the block manager hands them out
            }
            tables.add(table);
            int[] prompt = new int[length];
            for (int i = 0; i < length; i++) {
                prompt[i] = 100 + 7 * i + 131 * s;
            }
            prompts.add(new SequenceSlice(s, prompt, 0, table, length - 1));
        }
        long start = System.nanoTime();
        runner.execute(prompts, (slice, position, logits) -> next[slice] = EngineBenchmark.argmax(logits));
        double prefill = batch * length / ((System.nanoTime() - start) / 1e9);
        start = System.nanoTime();
        for (int step = 0; step < steps; step++) {
            int position = length + step;
            List<SequenceSlice> slices = new ArrayList<>(batch);
            for (int s = 0; s < batch; s++) {
                slices.add(new SequenceSlice(s, new int[] {next[s]}, position, tables.get(s), position));
            }
            runner.execute(slices, (slice, p, logits) -> next[slice] = EngineBenchmark.argmax(logits));
        }
        double decode = batch * steps / ((System.nanoTime() - start) / 1e9);
        for (int s = 0; s < batch; s++) {
            runner.release(s);
        }
        return new double[] {prefill, decode};
    }
}
