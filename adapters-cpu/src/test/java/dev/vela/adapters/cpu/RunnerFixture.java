package dev.vela.adapters.cpu;

import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.SequenceSlice;
import dev.vela.domain.model.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** The random models, prompts and greedy loops the CPU runners' tests share. */
final class RunnerFixture {

    /**
     * A length Jlama's batched prefill gets wrong at 14 heads (it goes wrong for most lengths, not
     * for 1 to 5 or multiples of 5), so a runner that fell back on it would fail.
     */
    static final int PROMPT_LENGTH = 24;
    static final int DECODE_STEPS = 32;
    static final double MAX_RELATIVE_ERROR = 1e-4;

    private RunnerFixture() {
    }

    /** The random models the runners are checked on. */
    enum TestModel {
        TINY_F32(ModelPreset.TINY, WeightType.FLOAT32),
        TINY_TIED_F32(ModelPreset.TINY_TIED, WeightType.FLOAT32),
        QWEN2_5_GEOMETRY_F32(ModelPreset.QWEN2_5_GEOMETRY, WeightType.FLOAT32),
        QWEN2_5_GEOMETRY_BF16(ModelPreset.QWEN2_5_GEOMETRY, WeightType.BFLOAT16),
        TINY_BF16(ModelPreset.TINY, WeightType.BFLOAT16);

        final ModelPreset preset;
        final WeightType weights;

        TestModel(ModelPreset preset, WeightType weights) {
            this.preset = preset;
            this.weights = weights;
        }

        ModelConfig config() {
            return preset.config(weights);
        }
    }

    /** Each model written at most once, into one directory, from one seed. */
    static final class Models {
        private final Path directory;
        private final long seed;
        private final Map<TestModel, Path> written = new EnumMap<>(TestModel.class);

        Models(Path directory, long seed) {
            this.directory = directory;
            this.seed = seed;
        }

        synchronized Path path(TestModel model) {
            return written.computeIfAbsent(model, m ->
                    RandomModelWriter.write(m.preset, m.weights, seed, directory.resolve(m.name())));
        }
    }

    /**
     * Hands out KV blocks to sequences the way the engine's block manager does, interleaved and
     * scattered, never contiguous; {@link #NONE} gives the empty tables of a runner without a paged cache.
     */
    static final class Blocks {
        static final Blocks NONE = new Blocks(0);

        private final int blockSize;
        private final Map<Long, List<Integer>> tables = new HashMap<>();
        private int next;

        Blocks(int blockSize) {
            this.blockSize = blockSize;
        }

        int[] upTo(long sequence, int positions) {
            if (blockSize == 0) {
                return new int[0];
            }
            List<Integer> table = tables.computeIfAbsent(sequence, s -> new ArrayList<>());
            while (table.size() * blockSize < positions) {
                table.add(next++ * 3 % 1000);
            }
            return table.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    /** A slice that wants the logits after its last token. */
    static SequenceSlice slice(long sequence, int[] tokens, int start, Blocks blocks) {
        return SequenceSlice.of(sequence, tokens, start, blocks.upTo(sequence, start + tokens.length), true);
    }

    /** Runs a batch and keeps a copy of every row of logits it hands over, in order. */
    static List<float[]> rows(ModelRunner runner, List<SequenceSlice> batch) {
        List<float[]> rows = new ArrayList<>();
        runner.execute(batch, (slice, position, logits) -> rows.add(logits.clone()));
        return rows;
    }

    /** The logits after the prompt and after each of {@code steps} greedily chosen tokens. */
    static List<float[]> greedy(ModelRunner runner, Blocks blocks, long sequence, int[] prompt, int steps) {
        List<float[]> out = new ArrayList<>();
        float[] logits = rows(runner, List.of(slice(sequence, prompt, 0, blocks))).getLast();
        out.add(logits);
        for (int step = 0; step < steps; step++) {
            logits = rows(runner, List.of(slice(sequence, new int[] {argmax(logits)}, prompt.length + step, blocks))).getLast();
            out.add(logits);
        }
        return out;
    }

    static int[] prompt(long seed, int vocab) {
        return new SplittableRandom(seed).ints(PROMPT_LENGTH, 0, vocab).toArray();
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

    /** {@code |actual - expected| / |expected|} in the L2 norm. */
    static double relativeError(float[] actual, double[] expected) {
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = actual[i] - expected[i];
            difference += d * d;
            norm += expected[i] * expected[i];
        }
        return Math.sqrt(difference / norm);
    }

    /** All sequences in every step: first their prompts together, then one token each per step. */
    static List<List<float[]>> greedyTogether(ModelRunner runner, Blocks blocks, int[][] prompts, int steps) {
        List<List<float[]>> out = new ArrayList<>();
        List<SequenceSlice> batch = new ArrayList<>();
        for (int s = 0; s < prompts.length; s++) {
            out.add(new ArrayList<>());
            batch.add(slice(100 + s, prompts[s], 0, blocks));
        }
        for (int step = 0; step <= steps; step++) {
            List<float[]> rows = rows(runner, batch);
            List<SequenceSlice> next = new ArrayList<>();
            for (int s = 0; s < prompts.length; s++) {
                out.get(s).add(rows.get(s));
                int position = prompts[s].length + step;
                next.add(slice(100 + s, new int[] {argmax(rows.get(s))}, position, blocks));
            }
            batch = next;
        }
        return out;
    }
}
