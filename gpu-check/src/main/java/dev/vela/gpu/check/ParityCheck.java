package dev.vela.gpu.check;

import dev.vela.adapters.gpu.reference.RelativeL2;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.SequenceSlice;
import dev.vela.domain.model.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * Stage 2 of the GPU check: whole-model parity on a small random Qwen2 (generated from a hash, so
 * every runner holds the very same weights). 64 teacher-forced positions: a 48-token prompt with
 * logits for every position, then 16 decode steps of the following tokens; each candidate's rows
 * against the fp32 CPU reference at tp=1 by relative L2, cosine and top-1 agreement (counted only
 * where the reference's top two differ by more than 0.05σ: random-weight logits are flat), and
 * the first candidate against the others.
 */
public final class ParityCheck {

    static final int STAGE = 2;
    static final int PROMPT = 48;
    static final int DECODE = 16;
    static final int BLOCK_SIZE = 16;
    static final double MAX_RELATIVE_L2 = 2e-2;
    static final double MIN_COSINE = 0.999;
    static final double MIN_TOP1 = 0.95;
    static final double BETWEEN_CANDIDATES = 1e-2;

    /** h=256, 4 layers, 8 query and 2 KV heads of 32, intermediate 512, vocabulary 1024: tp=4 replicates KV heads. */
    public static final ModelConfig TINY = new ModelConfig("Qwen2ForCausalLM", 256, 4, 8, 2, 32, 512, 1024, 4096, 1e6, 1e-6,
            false, "bfloat16");

    private final Results results;

    public ParityCheck(Results results) {
        this.results = results;
    }

    /**
     * @param reference  the fp32 CPU reference (tp=1)
     * @param candidates runners to check, by name, in order; the first is compared with the others too
     */
    public void run(Supplier<ModelRunner> reference, Map<String, Supplier<ModelRunner>> candidates, long seed) {
        int[] tokens = new SplittableRandom(seed).ints(PROMPT + DECODE, 0, TINY.vocabSize()).toArray();
        List<float[]> expected = rows(reference, tokens);
        Map<String, List<float[]>> produced = new LinkedHashMap<>();
        for (Map.Entry<String, Supplier<ModelRunner>> candidate : candidates.entrySet()) {
            String name = candidate.getKey();
            try {
                List<float[]> actual = rows(candidate.getValue(), tokens);
                produced.put(name, actual);
                compare(name + " vs cpu fp32 tp1", actual, expected);
            } catch (RuntimeException e) {
                results.fail(STAGE, name, e.toString());
            }
        }
        List<String> names = new ArrayList<>(produced.keySet());
        for (int i = 1; i < names.size(); i++) {
            double worst = 0;
            for (int r = 0; r < expected.size(); r++) {
                worst = Math.max(worst, RelativeL2.between(produced.get(names.get(i)).get(r), produced.get(names.getFirst()).get(r)));
            }
            results.atMost(STAGE, names.get(i) + " vs " + names.getFirst(), worst, BETWEEN_CANDIDATES, "rel-L2",
                    "worst of " + expected.size() + " positions");
        }
    }

    /** The logits after each of the 64 positions: all prompt rows in one step, then one decode step per token. */
    static List<float[]> rows(Supplier<ModelRunner> factory, int[] tokens) {
        try (ModelRunner runner = factory.get()) {
            runner.allocateKvCache(BLOCK_SIZE, 64L << 20);
            int[] table = new int[(tokens.length + BLOCK_SIZE - 1) / BLOCK_SIZE];
            for (int i = 0; i < table.length; i++) {
                table[i] = table.length - 1 - i;
            }
            List<float[]> rows = new ArrayList<>();
            runner.execute(List.of(new SequenceSlice(1, Arrays.copyOf(tokens, PROMPT), 0, table, 0)),
                    (slice, position, logits) -> rows.add(logits.clone()));
            for (int p = PROMPT; p < tokens.length; p++) {
                runner.execute(List.of(SequenceSlice.of(1, new int[] {tokens[p]}, p, table, true)),
                        (slice, position, logits) -> rows.add(logits.clone()));
            }
            return rows;
        }
    }

    private void compare(String name, List<float[]> actual, List<float[]> expected) {
        double worstL2 = 0;
        double worstCosine = 1;
        int decided = 0;
        int agreed = 0;
        for (int r = 0; r < expected.size(); r++) {
            float[] a = actual.get(r);
            float[] e = expected.get(r);
            worstL2 = Math.max(worstL2, RelativeL2.between(a, e));
            worstCosine = Math.min(worstCosine, cosine(a, e));
            if (margin(e) > 0.05 * deviation(e)) {
                decided++;
                if (argmax(a) == argmax(e)) {
                    agreed++;
                }
            }
        }
        results.atMost(STAGE, name + " logits", worstL2, MAX_RELATIVE_L2, "rel-L2", "worst of " + expected.size() + " positions");
        results.atLeast(STAGE, name + " cosine", worstCosine, MIN_COSINE, "", "worst of " + expected.size() + " positions");
        double share = decided == 0 ? 1.0 : (double) agreed / decided;
        results.atLeast(STAGE, name + " top-1", share, MIN_TOP1, "agree",
                String.format(Locale.ROOT, "%d of %d positions with a clear top-1", agreed, decided));
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    /** The index of the largest value, the lowest on ties. */
    public static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double margin(float[] values) {
        double first = Double.NEGATIVE_INFINITY;
        double second = Double.NEGATIVE_INFINITY;
        for (float v : values) {
            if (v > first) {
                second = first;
                first = v;
            } else if (v > second) {
                second = v;
            }
        }
        return first - second;
    }

    private static double deviation(float[] values) {
        double mean = 0;
        for (float v : values) {
            mean += v;
        }
        mean /= values.length;
        double squares = 0;
        for (float v : values) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / values.length);
    }
}
