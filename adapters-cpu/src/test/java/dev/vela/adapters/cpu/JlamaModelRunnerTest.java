package dev.vela.adapters.cpu;

import static dev.vela.adapters.cpu.RunnerFixture.DECODE_STEPS;
import static dev.vela.adapters.cpu.RunnerFixture.MAX_RELATIVE_ERROR;
import static dev.vela.adapters.cpu.RunnerFixture.PROMPT_LENGTH;
import static dev.vela.adapters.cpu.RunnerFixture.argmax;
import static dev.vela.adapters.cpu.RunnerFixture.prompt;
import static dev.vela.adapters.cpu.RunnerFixture.relativeError;
import static dev.vela.adapters.cpu.RunnerFixture.rows;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.cpu.RunnerFixture.Blocks;
import dev.vela.adapters.cpu.RunnerFixture.Models;
import dev.vela.adapters.cpu.RunnerFixture.TestModel;
import dev.vela.application.port.out.RunnerInfo;
import dev.vela.application.port.out.SequenceSlice;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JlamaModelRunnerTest {

    /** TINY's max_position_embeddings (2048) less Jlama's RoPE margin 2 * (2 KV heads - 1). */
    private static final int TINY_MAX_POSITIONS = 2046;

    @TempDir
    static Path modelsDirectory;
    private static Models models;

    @BeforeAll
    static void setUpModels() {
        models = new Models(modelsDirectory, 42);
    }

    private static JlamaModelRunner load(TestModel model) {
        return JlamaModelRunner.load(models.path(model), model.config(), 512);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = TestModel.class, mode = EnumSource.Mode.EXCLUDE, names = "QWEN2_5_GEOMETRY_BF16")
    void greedyDecodingMatchesTheReferenceForwardPass(TestModel model) {
        int[] prompt = prompt(7, model.config().vocabSize());
        List<double[]> expected = ReferenceQwen2.load(models.path(model)).new Session().greedy(prompt, DECODE_STEPS);

        List<float[]> actual;
        try (JlamaModelRunner runner = load(model)) {
            actual = greedy(runner, 1, prompt, DECODE_STEPS);
        }

        assertEquals(expected.stream().map(ReferenceQwen2::argmax).toList(),
                actual.stream().map(RunnerFixture::argmax).toList(), "greedy tokens");
        for (int step = 0; step < expected.size(); step++) {
            double error = relativeError(actual.get(step), expected.get(step));
            assertTrue(error <= MAX_RELATIVE_ERROR, "step " + step + ": relative L2 error " + error);
        }
    }

    @Test
    void interleavedSequencesGetTheSameLogitsAsEachAlone() {
        int vocab = TestModel.QWEN2_5_GEOMETRY_F32.config().vocabSize();
        int[] first = prompt(1, vocab);
        int[] second = Arrays.copyOf(prompt(2, vocab), PROMPT_LENGTH - 3);
        try (JlamaModelRunner runner = load(TestModel.QWEN2_5_GEOMETRY_F32)) {
            List<float[]> firstAlone = greedy(runner, 1, first, 4);
            List<float[]> secondAlone = greedy(runner, 2, second, 4);

            List<float[]> firstTogether = new ArrayList<>();
            List<float[]> secondTogether = new ArrayList<>();
            List<float[]> rows = rows(runner, List.of(slice(3, first, 0), slice(4, second, 0)));
            float[] firstRow = rows.get(0);
            float[] secondRow = rows.get(1);
            for (int step = 0; step <= 4; step++) {
                firstTogether.add(firstRow);
                secondTogether.add(secondRow);
                if (step < 4) {
                    rows = rows(runner, List.of(
                            slice(4, new int[] {argmax(secondRow)}, second.length + step),
                            slice(3, new int[] {argmax(firstRow)}, first.length + step)));
                    secondRow = rows.get(0);
                    firstRow = rows.get(1);
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
            float[] fresh = rows(runner, List.of(slice(1, later, 0))).getFirst();
            rows(runner, List.of(slice(2, earlier, 0)));

            runner.release(2);

            assertArrayEquals(fresh, rows(runner, List.of(slice(2, later, 0))).getFirst());
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
            float[] first = rows(runner, List.of(slice(2, prompt, 0))).getFirst();

            runner.release(99);

            float[] next = rows(runner, List.of(slice(2, new int[] {argmax(first)}, prompt.length))).getFirst();
            assertArrayEquals(expected, next);
        }
    }

    @Test
    void promptSplitIntoChunksGivesTheLogitsOfOneSlice() {
        int[] prompt = prompt(8, 512);
        try (JlamaModelRunner runner = load(TestModel.TINY_F32)) {
            float[] whole = rows(runner, List.of(slice(1, prompt, 0))).getFirst();

            List<float[]> firstChunk = rows(runner, List.of(
                    SequenceSlice.of(2, Arrays.copyOf(prompt, 8), 0, new int[0], false)));
            List<float[]> secondChunk = rows(runner, List.of(
                    slice(2, Arrays.copyOfRange(prompt, 8, prompt.length), 8)));

            assertEquals(0, firstChunk.size());
            assertArrayEquals(whole, secondChunk.getFirst());
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
                float[] alone = rows(runner, List.of(slice(100 + end, Arrays.copyOf(prompt, end), 0))).getFirst();
                assertArrayEquals(alone, all.get(end - 1), 1e-6f, "the row at position " + (end - 1));
            }
        }
    }

    @Test
    void infoDescribesTheLoadedModel() {
        try (JlamaModelRunner runner = JlamaModelRunner.load(models.path(TestModel.TINY_BF16), TestModel.TINY_BF16.config(), 2046)) {
            assertEquals(new RunnerInfo("cpu/jlama", "bfloat16", 512, TINY_MAX_POSITIONS, false), runner.info());
        }
    }

    @Test
    void maxModelLenAboveWhatJlamaCanServeIsRefused() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> JlamaModelRunner.load(models.path(TestModel.TINY_F32), TestModel.TINY_F32.config(),
                        TINY_MAX_POSITIONS + 1));

        assertTrue(refused.getMessage().contains("max-model-len " + (TINY_MAX_POSITIONS + 1)), refused.getMessage());
    }

    @Test
    void sequenceMayFillEveryReportedPosition() {
        int[] tokens = new SplittableRandom(9).ints(TINY_MAX_POSITIONS, 0, 512).toArray();
        try (JlamaModelRunner runner = load(TestModel.TINY_F32)) {
            float[] last = rows(runner, List.of(slice(1, tokens, 0))).getFirst();

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
        return RunnerFixture.greedy(runner, Blocks.NONE, sequenceId, prompt, steps);
    }

    private static SequenceSlice slice(long sequenceId, int[] tokens, int startPosition) {
        return RunnerFixture.slice(sequenceId, tokens, startPosition, Blocks.NONE);
    }
}
