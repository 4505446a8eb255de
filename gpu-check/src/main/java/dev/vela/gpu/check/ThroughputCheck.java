package dev.vela.gpu.check;

import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.SequenceSlice;
import dev.vela.domain.model.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Stage 4 of the GPU check: prefill and decode speed of a model of real dimensions (random weights
 * generated on the device), as milliseconds per step (median after warm-up, wall clock around the
 * runner's call, launches and the logits copy included) and as a percentage of the memory-bandwidth
 * floor: every weight byte of the layers and the lm_head plus the KV cache read once per decode
 * step, at {@link #BANDWIDTH} bytes per second.
 */
public final class ThroughputCheck {

    static final int STAGE = 4;
    /** The H200's measured device-to-device copy bandwidth, read and write counted (4.3 TB/s). */
    public static final double BANDWIDTH = 4.3e12;
    static final int BLOCK_SIZE = 16;

    /** Qwen2.5-1.5B (tied lm_head). */
    public static final ModelConfig QWEN2_5_1_5B = new ModelConfig("Qwen2ForCausalLM", 1536, 28, 12, 2, 128, 8960, 151936,
            32768, 1e6, 1e-6, true, "bfloat16");
    /** Qwen2.5-7B. */
    public static final ModelConfig QWEN2_5_7B = new ModelConfig("Qwen2ForCausalLM", 3584, 28, 28, 4, 128, 18944, 152064,
            32768, 1e6, 1e-6, false, "bfloat16");
    /** Qwen2.5-32B and DeepSeek-R1-Distill-Qwen-32B. */
    public static final ModelConfig QWEN2_5_32B = new ModelConfig("Qwen2ForCausalLM", 5120, 64, 40, 8, 128, 27648, 152064,
            32768, 1e6, 1e-6, false, "bfloat16");

    /** How much to measure. */
    public record Plan(int prefillTokens, int decodeSteps, int warmUp, int[] contexts, int batch) {
    }

    /** The design's plan: prefill 512, decode at contexts 128 and 2048, batch 1 and 8. */
    public static final Plan FULL = new Plan(512, 64, 8, new int[] {128, 2048}, 8);

    private final Results results;

    public ThroughputCheck(Results results) {
        this.results = results;
    }

    /** Bytes one decode step of one sequence reads at {@code context}: the layers, the final norm, lm_head and the KV cache. */
    public static double decodeBytes(ModelConfig m, int context) {
        long embedding = (long) m.vocabSize() * m.hiddenSize();
        long weights = m.parameterCount() - embedding + (m.tieWordEmbeddings() ? embedding : 0);
        long kv = 2L * m.numLayers() * m.numKvHeads() * m.headDim() * (long) context;
        return 2.0 * (weights + kv);
    }

    /** The decode step time the bandwidth allows, in milliseconds. */
    public static double floorMillis(ModelConfig m, int context) {
        return decodeBytes(m, context) / BANDWIDTH * 1e3;
    }

    public void run(String name, ModelConfig model, Supplier<ModelRunner> factory, Plan plan, long kvBytes) {
        long start = System.nanoTime();
        try (ModelRunner runner = factory.get()) {
            results.info(STAGE, name + " load", (System.nanoTime() - start) / 1e9, "s", "weights generated on the device");
            int blocks = runner.allocateKvCache(BLOCK_SIZE, kvBytes);
            SplittableRandom random = new SplittableRandom(7);
            Sequences sequences = new Sequences(blocks);
            prefill(name, model, runner, plan, sequences, random);
            for (int context : plan.contexts()) {
                decode(name, model, runner, plan, sequences, random, context, 1);
            }
            if (plan.batch() > 1) {
                decode(name, model, runner, plan, sequences, random, plan.contexts()[0], plan.batch());
            }
        } catch (RuntimeException e) {
            results.fail(STAGE, name, e.toString());
        }
    }

    private void prefill(String name, ModelConfig model, ModelRunner runner, Plan plan, Sequences sequences,
                         SplittableRandom random) {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            long id = sequences.next();
            int[] prompt = random.ints(plan.prefillTokens(), 0, model.vocabSize()).toArray();
            long t0 = System.nanoTime();
            runner.execute(List.of(SequenceSlice.of(id, prompt, 0, sequences.table(id, plan.prefillTokens()), true)),
                    (s, p, l) -> { });
            times.add((System.nanoTime() - t0) / 1e6);
            sequences.release(runner, id);
        }
        double ms = median(times.subList(1, times.size()));
        double flops = 2.0 * (model.parameterCount() - (long) model.vocabSize() * model.hiddenSize()) * plan.prefillTokens();
        results.info(STAGE, name + " prefill " + plan.prefillTokens(), ms, "ms",
                String.format(Locale.ROOT, "%.0f tok/s, %.1f TFLOP/s (median of 3 after 1 warm-up)",
                        plan.prefillTokens() / ms * 1e3, flops / ms / 1e9));
    }

    private void decode(String name, ModelConfig model, ModelRunner runner, Plan plan, Sequences sequences,
                        SplittableRandom random, int context, int batch) {
        long[] ids = new long[batch];
        int[] next = new int[batch];
        for (int b = 0; b < batch; b++) {
            ids[b] = sequences.next();
            int[] prompt = random.ints(context - 1, 0, model.vocabSize()).toArray();
            runner.execute(List.of(SequenceSlice.of(ids[b], prompt, 0, sequences.table(ids[b], context + plan.decodeSteps()), true)),
                    (s, p, l) -> { });
            next[b] = random.nextInt(model.vocabSize());
        }
        List<Double> times = new ArrayList<>();
        for (int step = 0; step < plan.decodeSteps(); step++) {
            List<SequenceSlice> slices = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                slices.add(SequenceSlice.of(ids[b], new int[] {next[b]}, context - 1 + step,
                        sequences.table(ids[b], context + plan.decodeSteps()), true));
            }
            long t0 = System.nanoTime();
            runner.execute(slices, (s, p, logits) -> next[s] = ParityCheck.argmax(logits));
            times.add((System.nanoTime() - t0) / 1e6);
        }
        for (long id : ids) {
            sequences.release(runner, id);
        }
        double ms = median(times.subList(Math.min(plan.warmUp(), times.size() - 1), times.size()));
        double floor = floorMillis(model, context) + (batch - 1) * (decodeBytes(model, context) - decodeBytes(model, 0))
                / BANDWIDTH * 1e3;
        results.info(STAGE, name + " decode ctx " + context + " batch " + batch, ms, "ms/step",
                String.format(Locale.ROOT, "%.0f tok/s, %.1f%% of the bandwidth floor %.3f ms", batch / ms * 1e3,
                        floor / ms * 100, floor));
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    /** Block tables for the check's sequences, from a cache of {@code blocks} blocks. */
    private static final class Sequences {
        private final int blocks;
        private long lastId;
        private int nextBlock;
        private final java.util.Map<Long, int[]> tables = new java.util.HashMap<>();

        Sequences(int blocks) {
            this.blocks = blocks;
        }

        long next() {
            return ++lastId;
        }

        int[] table(long id, int positions) {
            int needed = (positions + BLOCK_SIZE - 1) / BLOCK_SIZE;
            int[] table = tables.get(id);
            if (table == null || table.length < needed) {
                int[] grown = table == null ? new int[needed] : Arrays.copyOf(table, needed);
                for (int i = table == null ? 0 : table.length; i < needed; i++) {
                    grown[i] = nextBlock++ % blocks;
                }
                tables.put(id, grown);
                table = grown;
            }
            return table;
        }

        void release(ModelRunner runner, long id) {
            tables.remove(id);
            runner.release(id);
            if (tables.isEmpty()) {
                nextBlock = 0;
            }
        }
    }
}
