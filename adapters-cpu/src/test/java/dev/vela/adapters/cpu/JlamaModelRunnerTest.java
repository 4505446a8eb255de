package dev.vela.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.domain.model.ModelConfig;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.application.port.out.RunnerInfo;
import dev.vela.application.port.out.SequenceSlice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JlamaModelRunnerTest {

    /** Jlama's batched prefill goes wrong at 14 heads for most lengths (not for 1 to 5 or multiples of 5). */
    private static final int PROMPT_LENGTH = 24;
    private static final int DECODE_STEPS = 32;
    private static final double MAX_RELATIVE_ERROR = 1e-4;
    /** TINY's max_position_embeddings (2048) less Jlama's RoPE margin 2 * (2 KV heads - 1). */
    private static final int TINY_MAX_POSITIONS = 2046;

    /** The random models the runner is checked on, written once per test class. */
    enum TestModel {
        TINY_F32(ModelPreset.TINY, WeightType.FLOAT32),
        TINY_TIED_F32(ModelPreset.TINY_TIED, WeightType.FLOAT32),
        QWEN2_5_GEOMETRY_F32(ModelPreset.QWEN2_5_GEOMETRY, WeightType.FLOAT32),
        TINY_BF16(ModelPreset.TINY, WeightType.BFLOAT16);

        final ModelPreset preset;
        final WeightType weights;

        TestModel(ModelPreset preset, WeightType weights) {
            this.preset = preset;
            this.weights = weights;
        }
    }

    @TempDir
    static Path modelsDirectory;
    private static final Map<TestModel, Path> WRITTEN = new EnumMap<>(TestModel.class);

    private static synchronized Path model(TestModel model) {
        return WRITTEN.computeIfAbsent(model, m ->
                RandomModelWriter.write(m.preset, m.weights, 42, modelsDirectory.resolve(m.name())));
    }

    private static ModelConfig config(TestModel model) {
        return model.preset.config(model.weights);
    }

    private static JlamaModelRunner load(TestModel model) {
        return JlamaModelRunner.load(model(model), config(model), 512);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestModel.class)
    void greedyDecodingMatchesTheReferenceForwardPass(TestModel model) {
        int[] prompt = prompt(7, model.preset.config(model.weights).vocabSize());
        List<double[]> expected = ReferenceQwen2.load(model(model)).new Session().greedy(prompt, DECODE_STEPS);

        List<float[]> actual;
        try (JlamaModelRunner runner = load(model)) {
            actual = greedy(runner, 1, prompt, DECODE_STEPS);
        }

        assertEquals(expected.stream().map(ReferenceQwen2::argmax).toList(),
                actual.stream().map(JlamaModelRunnerTest::argmax).toList(), "greedy tokens");
        for (int step = 0; step < expected.size(); step++) {
            double error = relativeError(actual.get(step), expected.get(step));
            assertTrue(error <= MAX_RELATIVE_ERROR, "step " + step + ": relative L2 error " + error);
        }
    }

    @Test
    void interleavedSequencesGetTheSameLogitsAsEachAlone() {
        int vocab = ModelPreset.QWEN2_5_GEOMETRY.config(WeightType.FLOAT32).vocabSize();
        int[] first = prompt(1, vocab);
        int[] second = Arrays.copyOf(prompt(2, vocab), PROMPT_LENGTH - 3);
        try (JlamaModelRunner runner = load(TestModel.QWEN2_5_GEOMETRY_F32)) {
            List<float[]> firstAlone = greedy(runner, 1, first, 4);
            List<float[]> secondAlone = greedy(runner, 2, second, 4);

            List<float[]> firstTogether = new ArrayList<>();
            List<float[]> secondTogether = new ArrayList<>();
            float[][] rows = rows(runner, List.of(slice(3, first, 0), slice(4, second, 0)));
            for (int step = 0; step <= 4; step++) {
                firstTogether.add(rows[0].clone());
                secondTogether.add(rows[1].clone());
                if (step < 4) {
                    rows = rows(runner, List.of(
                            slice(4, new int[] {argmax(rows[1])}, second.length + step),
                            slice(3, new int[] {argmax(rows[0])}, first.length + step)));
                    float[] swapped = rows[0];
                    rows[0] = rows[1];
                    rows[1] = swapped;
                }
            }

            for (int step = 0; step <= 4; step++) {
                assertArrayEquals(firstAlone.get(step), firstTogether.get(step), "first sequence, step " + step);
                assertArrayEquals(secondAlone.get(step), secondTogether.get(step), "second sequence, step " + step);
            }
        }
    }

    @Test
    void releasedSequenceIdStartsWithAnEmptyCache() {
        int[] earlier = prompt(3, 512);
        int[] later = prompt(4, 512);
        try (JlamaModelRunner runner = load(TestModel.TINY_F32)) {
            float[] fresh = rows(runner, List.of(slice(1, later, 0)))[0].clone();
            rows(runner, List.of(slice(2, earlier, 0)));

            runner.release(2);

            assertArrayEquals(fresh, rows(runner, List.of(slice(2, later, 0)))[0]);
        }
    }

    @Test
    void sliceThatSkipsPositionsOfItsSequenceIsRefused() {
        try (JlamaModelRunner runner = load(TestModel.TINY_F32)) {
            rows(runner, List.of(slice(1, prompt(5, 512), 0)));
            runner.release(1);

            assertThrows(IllegalArgumentException.class, () -> rows(runner, List.of(slice(1, new int[] {7}, 3))));
        }
    }

    @Test
    void releasingAnUnknownSequenceLeavesTheOthersAlone() {
        int[] prompt = prompt(6, 512);
        try (JlamaModelRunner runner = load(TestModel.TINY_F32)) {
            float[] expected = greedy(runner, 1, prompt, 1).get(1);
            float[] first = rows(runner, List.of(slice(2, prompt, 0)))[0];

            runner.release(99);

            float[] next = rows(runner, List.of(slice(2, new int[] {argmax(first)}, prompt.length)))[0];
            assertArrayEquals(expected, next);
        }
    }

    @Test
    void promptSplitIntoChunksGivesTheLogitsOfOneSlice() {
        int[] prompt = prompt(8, 512);
        try (JlamaModelRunner runner = load(TestModel.TINY_F32)) {
            float[] whole = rows(runner, List.of(slice(1, prompt, 0)))[0].clone();

            float[][] firstChunk = rows(runner, List.of(
                    SequenceSlice.of(2, Arrays.copyOf(prompt, 8), 0, new int[0], false)));
            float[][] secondChunk = rows(runner, List.of(
                    slice(2, Arrays.copyOfRange(prompt, 8, prompt.length), 8)));

            assertEquals(0, firstChunk.length);
            assertArrayEquals(whole, secondChunk[0]);
        }
    }

    @Test
    void logitRowsAreReusedFromCallToCall() {
        try (JlamaModelRunner runner = load(TestModel.TINY_F32)) {
            List<float[]> handed = new ArrayList<>();
            runner.execute(List.of(slice(1, new int[] {1, 2, 3}, 0)), (slice, position, logits) -> handed.add(logits));
            runner.execute(List.of(slice(1, new int[] {4}, 3)), (slice, position, logits) -> handed.add(logits));

            assertSame(handed.get(0), handed.get(1));
        }
    }

    @Test
    void everyPositionFromLogitsFromGetsTheLogitsOfItsPrefix() {
        int[] prompt = prompt(9, 512);
        try (JlamaModelRunner runner = load(TestModel.TINY_F32)) {
            List<Integer> positions = new ArrayList<>();
            List<float[]> all = new ArrayList<>();
            runner.execute(List.of(new SequenceSlice(1, prompt, 0, new int[0], 0)), (slice, position, logits) -> {
                positions.add(position);
                all.add(logits.clone());
            });
            assertEquals(prompt.length, all.size());
            assertEquals(0, positions.get(0));
            for (int end = 1; end <= prompt.length; end += 7) {
                float[] alone = rows(runner, List.of(slice(100 + end, Arrays.copyOf(prompt, end), 0)))[0];
                assertArrayEquals(alone, all.get(end - 1), 1e-6f, "the row at position " + (end - 1));
            }
        }
    }

    @Test
    void infoDescribesTheLoadedModel() {
        try (JlamaModelRunner runner = JlamaModelRunner.load(model(TestModel.TINY_BF16), config(TestModel.TINY_BF16), 2046)) {
            assertEquals(new RunnerInfo("cpu/jlama", "bfloat16", 512, TINY_MAX_POSITIONS, false), runner.info());
        }
    }

    @Test
    void maxModelLenAboveWhatJlamaCanServeIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> JlamaModelRunner.load(model(TestModel.TINY_F32), config(TestModel.TINY_F32), TINY_MAX_POSITIONS + 1));

        assertTrue(refused.getMessage().contains("max-model-len " + (TINY_MAX_POSITIONS + 1)), refused.getMessage());
    }

    @Test
    void sequenceMayFillEveryReportedPosition() {
        int[] tokens = new SplittableRandom(9).ints(TINY_MAX_POSITIONS, 0, 512).toArray();
        try (JlamaModelRunner runner = load(TestModel.TINY_F32)) {
            float[] last = rows(runner, List.of(slice(1, tokens, 0)))[0];

            assertTrue(Float.isFinite(last[argmax(last)]));
        }
    }

    @Test
    void sliceBeyondTheReportedPositionsIsRefused() {
        try (JlamaModelRunner runner = load(TestModel.TINY_F32)) {
            int[] tokens = new int[TINY_MAX_POSITIONS + 1];

            assertThrows(IllegalArgumentException.class, () -> rows(runner, List.of(slice(1, tokens, 0))));
        }
    }

    @Test
    void tokenOutsideTheVocabularyIsRefused() {
        try (JlamaModelRunner runner = load(TestModel.TINY_F32)) {
            assertThrows(IllegalArgumentException.class, () -> rows(runner, List.of(slice(1, new int[] {1, 512}, 0))));
        }
    }

    @Test
    void theKvBudgetDecidesTheNumberOfBlocks() {
        try (JlamaModelRunner runner = load(TestModel.TINY_F32)) {
            // tiny: (k, v) x 2 layers x 2 kv heads x 16 floats x 16 positions x 4 bytes = 8 KiB per block
            assertEquals(128, runner.allocateKvCache(16, 1L << 20));
        }
    }

    @Test
    void withoutABudgetEveryBlockTheEngineCanAskForIsGranted() {
        try (JlamaModelRunner runner = load(TestModel.TINY_F32)) {
            assertEquals(Integer.MAX_VALUE / 2, runner.allocateKvCache(16, 0));
        }
    }

    private static List<float[]> greedy(JlamaModelRunner runner, long sequenceId, int[] prompt, int steps) {
        List<float[]> rows = new ArrayList<>();
        float[] logits = rows(runner, List.of(slice(sequenceId, prompt, 0)))[0];
        rows.add(logits.clone());
        for (int step = 0; step < steps; step++) {
            logits = rows(runner, List.of(slice(sequenceId, new int[] {argmax(logits)}, prompt.length + step)))[0];
            rows.add(logits.clone());
        }
        return rows;
    }

    private static SequenceSlice slice(long sequenceId, int[] tokens, int startPosition) {
        return SequenceSlice.of(sequenceId, tokens, startPosition, new int[0], true);
    }

    /** Runs a batch and keeps a copy of every row of logits it hands over, in order. */
    private static float[][] rows(JlamaModelRunner runner, List<SequenceSlice> batch) {
        List<float[]> rows = new ArrayList<>();
        runner.execute(batch, (slice, position, logits) -> rows.add(logits.clone()));
        return rows.toArray(new float[0][]);
    }

    private static int[] prompt(long seed, int vocab) {
        return new SplittableRandom(seed).ints(PROMPT_LENGTH, 0, vocab).toArray();
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    private static double relativeError(float[] actual, double[] expected) {
        double difference = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            double d = actual[i] - expected[i];
            difference += d * d;
            norm += expected[i] * expected[i];
        }
        return Math.sqrt(difference / norm);
    }
}
