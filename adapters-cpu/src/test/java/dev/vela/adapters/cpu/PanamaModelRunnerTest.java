package dev.vela.adapters.cpu;

import static dev.vela.adapters.cpu.RunnerFixture.DECODE_STEPS;
import static dev.vela.adapters.cpu.RunnerFixture.MAX_RELATIVE_ERROR;
import static dev.vela.adapters.cpu.RunnerFixture.argmax;
import static dev.vela.adapters.cpu.RunnerFixture.greedy;
import static dev.vela.adapters.cpu.RunnerFixture.greedyTogether;
import static dev.vela.adapters.cpu.RunnerFixture.prompt;
import static dev.vela.adapters.cpu.RunnerFixture.relativeError;
import static dev.vela.adapters.cpu.RunnerFixture.rows;
import static dev.vela.adapters.cpu.RunnerFixture.slice;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.cpu.RunnerFixture.Blocks;
import dev.vela.adapters.cpu.RunnerFixture.Models;
import dev.vela.adapters.cpu.RunnerFixture.TestModel;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.application.port.out.SequenceSlice;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Vela's batched CPU forward pass against the independent float64 reference, alone and in batches. */
class PanamaModelRunnerTest {

    private static final int BLOCK = 16;

    @TempDir
    static Path modelsDirectory;
    private static Models models;
    private static final List<SafetensorsModelWeights> OPENED = new ArrayList<>();

    @BeforeAll
    static void setUpModels() {
        models = new Models(modelsDirectory, 11);
    }

    @AfterAll
    static void closeWeights() {
        OPENED.forEach(SafetensorsModelWeights::close);
    }

    private static PanamaModelRunner load(TestModel model, int threads) {
        SafetensorsModelWeights weights = SafetensorsModelWeights.open(List.of(models.path(model).resolve("model.safetensors")));
        OPENED.add(weights);
        PanamaModelRunner runner = PanamaModelRunner.load(model.config(), weights, threads);
        runner.allocateKvCache(BLOCK, 64L << 20);
        return runner;
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(TestModel.class)
    void greedyDecodingMatchesTheReferenceForwardPass(TestModel model) {
        int[] prompt = prompt(7, model.config().vocabSize());
        List<double[]> expected = ReferenceQwen2.load(models.path(model)).new Session().greedy(prompt, DECODE_STEPS);
        List<float[]> actual;
        try (PanamaModelRunner runner = load(model, 2)) {
            actual = greedy(runner, new Blocks(BLOCK), 1, prompt, DECODE_STEPS);
        }
        assertEquals(expected.stream().map(ReferenceQwen2::argmax).toList(), actual.stream().map(RunnerFixture::argmax).toList(),
                "greedy tokens");
        for (int step = 0; step < expected.size(); step++) {
            double error = relativeError(actual.get(step), expected.get(step));
            assertTrue(error <= MAX_RELATIVE_ERROR, "step " + step + ": relative L2 error " + error);
        }
    }

    @Test
    void aSequencesLogitsAreBitForBitTheSameAloneOrInAMixedBatch() {
        TestModel model = TestModel.QWEN2_5_GEOMETRY_BF16;
        int vocab = model.config().vocabSize();
        int[][] prompts = {prompt(1, vocab), Arrays.copyOf(prompt(2, vocab), 5), Arrays.copyOf(prompt(3, vocab), 19),
            Arrays.copyOf(prompt(4, vocab), 1), prompt(5, vocab), Arrays.copyOf(prompt(6, vocab), 9)};
        List<List<float[]>> alone = new ArrayList<>();
        try (PanamaModelRunner runner = load(model, 2)) {
            Blocks blocks = new Blocks(BLOCK);
            for (int s = 0; s < prompts.length; s++) {
                alone.add(greedy(runner, blocks, 100 + s, prompts[s], 6));
            }
        }
        List<List<float[]>> together = new ArrayList<>();
        try (PanamaModelRunner runner = load(model, 2)) {
            together = greedyTogether(runner, new Blocks(BLOCK), prompts, 6);
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
            one = greedy(runner, new Blocks(BLOCK), 1, prompt, 3);
        }
        try (PanamaModelRunner runner = load(TestModel.QWEN2_5_GEOMETRY_BF16, 2)) {
            two = greedy(runner, new Blocks(BLOCK), 1, prompt, 3);
        }
        for (int i = 0; i < one.size(); i++) {
            assertArrayEquals(one.get(i), two.get(i));
        }
    }

    @Test
    void aPromptFedInChunksGivesTheSameLogitsAsOneSlice() {
        int[] prompt = prompt(9, 512);
        try (PanamaModelRunner runner = load(TestModel.TINY_F32, 2)) {
            Blocks blocks = new Blocks(BLOCK);
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
            Blocks blocks = new Blocks(BLOCK);
            List<float[]> all = rows(runner, List.of(new SequenceSlice(1, prompt, 0, blocks.upTo(1, prompt.length), 0)));
            assertEquals(prompt.length, all.size());
            float[] prefix = rows(runner, List.of(slice(2, Arrays.copyOf(prompt, 7), 0, blocks))).getLast();
            assertArrayEquals(prefix, all.get(6), "position 6 sees the same prefix either way");
        }
    }

    @Test
    void rowsHandedFromSeveralThreadsAreTheRowsHandedInOrder() {
        int[] prompt = prompt(12, 512);
        try (PanamaModelRunner runner = load(TestModel.TINY_F32, 2)) {
            Blocks blocks = new Blocks(BLOCK);
            List<SequenceSlice> batch = new ArrayList<>();
            for (int s = 0; s < 5; s++) {
                int[] tokens = Arrays.copyOf(prompt, 6 + 3 * s);
                batch.add(new SequenceSlice(s, tokens, 0, blocks.upTo(s, tokens.length), s % 2 == 0 ? 0 : tokens.length - 1));
            }
            List<float[]> inOrder = rows(runner, batch);
            Map<String, float[]> handed = new java.util.concurrent.ConcurrentHashMap<>();
            runner.execute(batch, (slice, position, logits) -> {
                assertNull(handed.put(slice + "@" + position, logits.clone()), "each row once");
            }, true);
            assertEquals(inOrder.size(), handed.size());
            int i = 0;
            for (int s = 0; s < batch.size(); s++) {
                for (int p = batch.get(s).logitsFrom(); p < batch.get(s).endPosition(); p++) {
                    assertArrayEquals(inOrder.get(i++), handed.get(s + "@" + p), "slice " + s + " position " + p);
                }
            }
        }
    }

    @Test
    void aPromptLongerThanAChunkOfValuesMatchesTheReference() {
        // 600 positions: the heads of a KV group take the values in three chunks, resuming each
        // output from what the last chunk left
        TestModel model = TestModel.TINY_F32;
        int[] prompt = new java.util.SplittableRandom(21).ints(600, 0, model.config().vocabSize()).toArray();
        List<double[]> expected = ReferenceQwen2.load(models.path(model)).new Session().greedy(prompt, 3);
        List<float[]> actual;
        try (PanamaModelRunner runner = load(model, 2)) {
            actual = greedy(runner, new Blocks(BLOCK), 1, prompt, 3);
        }
        for (int step = 0; step < expected.size(); step++) {
            double error = relativeError(actual.get(step), expected.get(step));
            assertTrue(error <= MAX_RELATIVE_ERROR, "step " + step + ": relative L2 error " + error);
        }
    }

    @Test
    void logitsAreTheSameBitsWhateverTheBlockSize() {
        // 16 and 32: blocks scored two vectors of positions at a time; 8 and 24: also one vector;
        // 12: position by position. Each path computes a score the same way, lane or scalar.
        TestModel model = TestModel.QWEN2_5_GEOMETRY_BF16;
        int[] prompt = Arrays.copyOf(prompt(13, model.config().vocabSize()), 37);
        List<float[]> expected = null;
        for (int blockSize : new int[] {16, 8, 12, 24, 32}) {
            SafetensorsModelWeights weights = SafetensorsModelWeights.open(List.of(models.path(model).resolve("model.safetensors")));
            OPENED.add(weights);
            try (PanamaModelRunner runner = PanamaModelRunner.load(model.config(), weights, 2)) {
                runner.allocateKvCache(blockSize, 64L << 20);
                List<float[]> rows = greedy(runner, new Blocks(blockSize), 1, prompt, 5);
                if (expected == null) {
                    expected = rows;
                }
                for (int step = 0; step < rows.size(); step++) {
                    assertArrayEquals(expected.get(step), rows.get(step), "block size " + blockSize + ", step " + step);
                }
            }
        }
    }

    @Test
    void theProductsAloneAreTimedOverEveryMatrixOfAToken() {
        try (PanamaModelRunner runner = load(TestModel.TINY_F32, 2)) {
            double rate = ProductProbes.of(runner).productRate(5, 2);
            assertTrue(rate > 0 && Double.isFinite(rate), "FLOP per second: " + rate);
            double resident = ProductProbes.of(runner).residentProductRate(5, 2);
            assertTrue(resident > 0 && Double.isFinite(resident), "FLOP per second, cache-resident: " + resident);
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
    void packedMatricesAreWrittenOnceThenMappedByTheNextLoad(@TempDir Path packedDirectory) throws Exception {
        TestModel model = TestModel.QWEN2_5_GEOMETRY_BF16;
        int[] prompt = prompt(12, model.config().vocabSize());
        List<float[]> inMemory;
        try (PanamaModelRunner runner = load(model, 2)) {
            inMemory = greedy(runner, new Blocks(BLOCK), 1, prompt, 4);
        }
        List<List<float[]>> fromFiles = new ArrayList<>();
        List<List<Object>> filesSeen = new ArrayList<>();
        for (int start = 0; start < 2; start++) {
            SafetensorsModelWeights weights = SafetensorsModelWeights.open(List.of(models.path(model).resolve("model.safetensors")));
            OPENED.add(weights);
            try (PanamaModelRunner runner = PanamaModelRunner.load(model.config(), weights, 2, packedDirectory)) {
                runner.allocateKvCache(BLOCK, 64L << 20);
                fromFiles.add(greedy(runner, new Blocks(BLOCK), 1, prompt, 4));
            }
            List<Object> files = new ArrayList<>();
            try (var listing = java.nio.file.Files.list(packedDirectory)) {
                for (Path file : listing.filter(f -> f.toString().endsWith(".bin")).sorted().toList()) {
                    files.add(file.getFileName() + "@" + java.nio.file.Files.getLastModifiedTime(file));
                }
            }
            filesSeen.add(files);
        }
        // q, k, v, o, gate, up, down per layer, and the (tied) lm_head, each with its record; no partial files left
        assertEquals(7 * model.config().numLayers() + 1, filesSeen.getFirst().size());
        try (var listing = java.nio.file.Files.list(packedDirectory)) {
            assertEquals(2 * filesSeen.getFirst().size(), listing.filter(f -> f.toString().endsWith(".bin")
                    || f.toString().endsWith(".bin.record")).count());
        }
        assertEquals(filesSeen.get(0), filesSeen.get(1), "the second load maps the first one's files, untouched");
        for (int step = 0; step < inMemory.size(); step++) {
            assertArrayEquals(inMemory.get(step), fromFiles.get(0).get(step), "written, step " + step);
            assertArrayEquals(inMemory.get(step), fromFiles.get(1).get(step), "mapped, step " + step);
        }
        // weights that may have changed (a newer modification time) are packed again, and the old
        // files go, with a partial file a dead start left an hour ago; one being written now stays
        Path source = models.path(model).resolve("model.safetensors");
        java.nio.file.Files.setLastModifiedTime(source, java.nio.file.attribute.FileTime.fromMillis(
                java.nio.file.Files.getLastModifiedTime(source).toMillis() + 60_000));
        Path leftBehind = java.nio.file.Files.writeString(packedDirectory.resolve("lm_head-0a1b.bin123.partial"), "x");
        java.nio.file.Files.setLastModifiedTime(leftBehind, java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - 2 * 3_600_000));
        Path beingWritten = java.nio.file.Files.writeString(packedDirectory.resolve("lm_head-0a1b.bin456.partial"), "x");
        SafetensorsModelWeights weights = SafetensorsModelWeights.open(List.of(source));
        OPENED.add(weights);
        PanamaModelRunner.load(model.config(), weights, 2, packedDirectory).close();
        List<String> after;
        try (var listing = java.nio.file.Files.list(packedDirectory)) {
            after = listing.map(file -> file.getFileName().toString()).sorted().toList();
        }
        assertEquals(2 * filesSeen.getFirst().size() + 1, after.size(), after.toString());
        assertTrue(after.contains(beingWritten.getFileName().toString()), after.toString());
        for (Object old : filesSeen.getFirst()) {
            String name = old.toString().substring(0, old.toString().indexOf('@'));
            assertTrue(!after.contains(name), name + " is still there");
            assertTrue(!after.contains(name + ".record"), name + ".record is still there");
        }
    }

    @ParameterizedTest(name = "modification time set back: {0}")
    @ValueSource(booleans = {false, true})
    void aPackedFileOverwrittenWithZerosIsPackedAgainAndTheLogitsAreTheSame(boolean modificationTimeSetBack,
                                                                             @TempDir Path packedDirectory) throws Exception {
        TestModel model = TestModel.QWEN2_5_GEOMETRY_BF16;
        int[] prompt = prompt(13, model.config().vocabSize());
        List<float[]> before = greedyFromFiles(model, packedDirectory, prompt);
        Path file = packedDirectory.resolve(packedFileName(packedDirectory, "model.layers.1.mlp.down_proj.weight"));
        byte[] packed = Files.readAllBytes(file);
        FileTime modified = Files.getLastModifiedTime(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(packed.length), 0);
        }
        if (modificationTimeSetBack) {
            Files.setLastModifiedTime(file, modified);
        }

        List<float[]> after;
        List<String> log;
        try (LogCapture capture = new LogCapture("dev.vela.adapters.cpu")) {
            after = greedyFromFiles(model, packedDirectory, prompt);
            log = capture.messages();
        }
        for (int step = 0; step < before.size(); step++) {
            assertArrayEquals(before.get(step), after.get(step), "step " + step);
        }
        assertTrue(log.stream().anyMatch(line -> line.startsWith("Packing model.layers.1.mlp.down_proj.weight again "
                + "from the model's weights: " + file + " does not hold what was packed into it")), log.toString());
        assertEquals(1, log.stream().filter(line -> line.startsWith("Packing ")).count(), log.toString());
        assertArrayEquals(packed, Files.readAllBytes(file), "the file holds the packed matrix again");
    }

    private static List<float[]> greedyFromFiles(TestModel model, Path packedDirectory, int[] prompt) {
        SafetensorsModelWeights weights = SafetensorsModelWeights.open(List.of(models.path(model).resolve("model.safetensors")));
        OPENED.add(weights);
        try (PanamaModelRunner runner = PanamaModelRunner.load(model.config(), weights, 2, packedDirectory)) {
            runner.allocateKvCache(BLOCK, 64L << 20);
            return greedy(runner, new Blocks(BLOCK), 1, prompt, 4);
        }
    }

    private static String packedFileName(Path packedDirectory, String tensor) throws Exception {
        try (var listing = Files.list(packedDirectory)) {
            return listing.map(file -> file.getFileName().toString())
                    .filter(name -> name.startsWith(tensor + "-") && name.endsWith(".bin")).findFirst().orElseThrow();
        }
    }

    @Test
    void theKvBudgetDecidesTheNumberOfBlocks() {
        try (PanamaModelRunner runner = load(TestModel.TINY_F32, 1)) {
            // tiny: (k, v) x 2 layers x 2 kv heads x 16 floats x 16 positions x 4 bytes = 8 KiB per block
            assertEquals(128, runner.allocateKvCache(16, 1L << 20));
        }
    }

    @ParameterizedTest(name = "{1} bytes in blocks of {2}: {3} positions")
    @CsvSource({
        // Qwen2.5-0.5B: (k, v) x 24 layers x 2 kv heads x 64 floats x 4 bytes = 24 KiB per position;
        // 256 MiB holds 10,922.67 positions but 682 whole blocks of 16, 10,912 positions
        "QWEN2_5_0_5B, 268435456, 16, 10912",
        "QWEN2_5_0_5B, 268435456, 32, 10912",
        "QWEN2_5_0_5B, 268435456, 7, 10920",
        "QWEN2_5_0_5B, 268435456, 1, 10922",
        "QWEN2_5_0_5B, 100000000, 128, 3968",
        "QWEN2_5_0_5B, 0, 16, 87376",
        "TINY, 1000000, 16, 1952",
        "TINY, 8191, 16, 0"})
    void theContextAKvBudgetHoldsIsWholeBlocks(ModelPreset preset, long memoryBytes, int blockSize, long positions) {
        assertEquals(positions, PanamaModelRunner.positionsFor(preset.config(WeightType.BFLOAT16), memoryBytes, blockSize));
    }

    @Test
    void theContextAKvBudgetHoldsIsWhatTheAllocatedCacheHolds() {
        try (PanamaModelRunner runner = load(TestModel.TINY_F32, 1)) {
            for (int blockSize : new int[] {1, 3, 16, 32, 128}) {
                for (long memoryBytes = 1; memoryBytes < 1L << 20; memoryBytes = memoryBytes * 3 + 1) {
                    long positions = PanamaModelRunner.positionsFor(TestModel.TINY_F32.config(), memoryBytes, blockSize);
                    assertEquals((long) runner.allocateKvCache(blockSize, memoryBytes) * blockSize, positions,
                            memoryBytes + " bytes, blocks of " + blockSize);
                }
            }
        }
    }
}
