package dev.vela.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.application.port.out.SequenceSlice;
import dev.vela.domain.model.ModelConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Vela's batched CPU forward pass against the independent float64 reference, alone and in batches. */
class PanamaModelRunnerTest {

    private static final int PROMPT_LENGTH = 24;
    private static final int DECODE_STEPS = 32;
    private static final double MAX_RELATIVE_ERROR = 1e-4;
    private static final int BLOCK = 16;

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
    }

    @TempDir
    static Path models;
    private static final Map<TestModel, Path> WRITTEN = new EnumMap<>(TestModel.class);
    private static final List<SafetensorsModelWeights> OPENED = new ArrayList<>();

    @BeforeAll
    static void writeModels() {
        for (TestModel model : TestModel.values()) {
            WRITTEN.put(model, RandomModelWriter.write(model.preset, model.weights, 11, models.resolve(model.name())));
        }
    }

    @AfterAll
    static void closeWeights() {
        OPENED.forEach(SafetensorsModelWeights::close);
    }

    private static PanamaModelRunner load(TestModel model, int threads) {
        HfModelDirectory dir = HfModelDirectory.open(WRITTEN.get(model));
        SafetensorsModelWeights weights = SafetensorsModelWeights.open(dir.modelFiles());
        OPENED.add(weights);
        PanamaModelRunner runner = PanamaModelRunner.load(dir.config(), weights, threads);
        runner.allocateKvCache(BLOCK, 64L << 20);
        return runner;
    }

    /** Hands out blocks to sequences the way the engine's block manager does, interleaved. */
    private static final class Blocks {
        private final Map<Long, List<Integer>> tables = new HashMap<>();
        private int next;

        int[] upTo(long sequence, int positions) {
            List<Integer> table = tables.computeIfAbsent(sequence, s -> new ArrayList<>());
            while (table.size() * BLOCK < positions) {
                table.add(next++ * 3 % 1000);          // scattered, never contiguous
            }
            return table.stream().mapToInt(Integer::intValue).toArray();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestModel.class)
    void greedyDecodingMatchesTheReferenceForwardPass(TestModel model) {
        ModelConfig config = model.preset.config(model.weights);
        int[] prompt = prompt(7, config.vocabSize());
        List<double[]> expected = ReferenceQwen2.load(WRITTEN.get(model)).new Session().greedy(prompt, DECODE_STEPS);
        List<float[]> actual;
        try (PanamaModelRunner runner = load(model, 2)) {
            actual = greedy(runner, new Blocks(), 1, prompt, DECODE_STEPS);
        }
        assertEquals(expected.stream().map(ReferenceQwen2::argmax).toList(), actual.stream().map(PanamaModelRunnerTest::argmax).toList(),
                "greedy tokens");
        for (int step = 0; step < expected.size(); step++) {
            double error = relativeError(actual.get(step), expected.get(step));
            assertTrue(error <= MAX_RELATIVE_ERROR, "step " + step + ": relative L2 error " + error);
        }
    }

    @Test
    void aSequencesLogitsAreBitForBitTheSameAloneOrInAMixedBatch() {
        TestModel model = TestModel.QWEN2_5_GEOMETRY_BF16;
        int vocab = model.preset.config(model.weights).vocabSize();
        int[][] prompts = {prompt(1, vocab), Arrays.copyOf(prompt(2, vocab), 5), Arrays.copyOf(prompt(3, vocab), 19),
            Arrays.copyOf(prompt(4, vocab), 1), prompt(5, vocab), Arrays.copyOf(prompt(6, vocab), 9)};
        List<List<float[]>> alone = new ArrayList<>();
        try (PanamaModelRunner runner = load(model, 2)) {
            Blocks blocks = new Blocks();
            for (int s = 0; s < prompts.length; s++) {
                alone.add(greedy(runner, blocks, 100 + s, prompts[s], 6));
            }
        }
        List<List<float[]>> together = new ArrayList<>();
        try (PanamaModelRunner runner = load(model, 2)) {
            together = greedyTogether(runner, new Blocks(), prompts, 6);
        }
        for (int s = 0; s < prompts.length; s++) {
            for (int step = 0; step < 7; step++) {
                assertArrayEquals(alone.get(s).get(step), together.get(s).get(step), "sequence " + s + ", step " + step);
            }
        }
    }

    @Test
    void theNumberOfThreadsDoesNotChangeTheLogits() {
        int[] prompt = prompt(8, 1024);
        List<float[]> one;
        List<float[]> two;
        try (PanamaModelRunner runner = load(TestModel.QWEN2_5_GEOMETRY_BF16, 1)) {
            one = greedy(runner, new Blocks(), 1, prompt, 3);
        }
        try (PanamaModelRunner runner = load(TestModel.QWEN2_5_GEOMETRY_BF16, 2)) {
            two = greedy(runner, new Blocks(), 1, prompt, 3);
        }
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), two.get(i));
        }
    }

    @Test
    void aPromptFedInChunksGivesTheSameLogitsAsOneSlice() {
        int[] prompt = prompt(9, 512);
        try (PanamaModelRunner runner = load(TestModel.TINY_F32, 2)) {
            Blocks blocks = new Blocks();
            float[] whole = rows(runner, List.of(slice(1, prompt, 0, blocks))).getLast();
            rows(runner, List.of(new SequenceSlice(2, Arrays.copyOf(prompt, 10), 0, blocks.upTo(2, 10), 10)));
            float[] chunked = rows(runner, List.of(slice(2, Arrays.copyOfRange(prompt, 10, prompt.length), 10, blocks))).getLast();
            assertArrayEquals(whole, chunked);
        }
    }

    @Test
    void everyPositionFromLogitsFromGetsARow() {
        int[] prompt = prompt(10, 512);
        try (PanamaModelRunner runner = load(TestModel.TINY_F32, 2)) {
            Blocks blocks = new Blocks();
            List<float[]> all = rows(runner, List.of(new SequenceSlice(1, prompt, 0, blocks.upTo(1, prompt.length), 0)));
            assertEquals(prompt.length, all.size());
            float[] prefix = rows(runner, List.of(slice(2, Arrays.copyOf(prompt, 7), 0, blocks))).getLast();
            assertArrayEquals(prefix, all.get(6), "position 6 sees the same prefix either way");
        }
    }

    @Test
    void aSliceWithTooFewBlocksIsRefused() {
        try (PanamaModelRunner runner = load(TestModel.TINY_F32, 1)) {
            SequenceSlice slice = SequenceSlice.of(1, prompt(1, 512), 0, new int[] {0}, true);
            assertThrows(IllegalArgumentException.class, () -> rows(runner, List.of(slice)));
        }
    }

    @Test
    void aTokenOutsideTheVocabularyIsRefused() {
        try (PanamaModelRunner runner = load(TestModel.TINY_F32, 1)) {
            SequenceSlice slice = SequenceSlice.of(1, new int[] {1, 512}, 0, new int[] {0}, true);
            assertThrows(IllegalArgumentException.class, () -> rows(runner, List.of(slice)));
        }
    }

    @Test
    void theKvBudgetDecidesTheNumberOfBlocks() {
        try (PanamaModelRunner runner = load(TestModel.TINY_F32, 1)) {
            // tiny: (k, v) x 2 layers x 2 kv heads x 16 floats x 16 positions x 4 bytes = 8 KiB per block
            assertEquals(128, runner.allocateKvCache(16, 1L << 20));
        }
    }

    // --- helpers ---

    private static SequenceSlice slice(long sequence, int[] tokens, int start, Blocks blocks) {
        return SequenceSlice.of(sequence, tokens, start, blocks.upTo(sequence, start + tokens.length), true);
    }

    private static List<float[]> rows(PanamaModelRunner runner, List<SequenceSlice> batch) {
        List<float[]> rows = new ArrayList<>();
        runner.execute(batch, (slice, position, logits) -> rows.add(logits.clone()));
        return rows;
    }

    private static List<float[]> greedy(PanamaModelRunner runner, Blocks blocks, long sequence, int[] prompt, int steps) {
        List<float[]> out = new ArrayList<>();
        float[] logits = rows(runner, List.of(slice(sequence, prompt, 0, blocks))).getLast();
        out.add(logits);
        for (int step = 0; step < steps; step++) {
            logits = rows(runner, List.of(slice(sequence, new int[] {argmax(logits)}, prompt.length + step, blocks))).getLast();
            out.add(logits);
        }
        return out;
    }

    /** All sequences in every step: first their prompts together, then one token each per step. */
    private static List<List<float[]>> greedyTogether(PanamaModelRunner runner, Blocks blocks, int[][] prompts, int steps) {
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

    private static int[] prompt(long seed, int vocab) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] prompt = new int[PROMPT_LENGTH];
        for (int i = 0; i < prompt.length; i++) {
            prompt[i] = random.nextInt(Math.min(vocab, 500));
        }
        return prompt;
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

    private static double relativeError(float[] actual, double[] expected) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            diff += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            norm += expected[i] * expected[i];
        }
        return Math.sqrt(diff / norm);
    }
}
