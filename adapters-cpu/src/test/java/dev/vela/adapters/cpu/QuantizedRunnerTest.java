package dev.vela.adapters.cpu;

import static dev.vela.adapters.cpu.RunnerFixture.DECODE_STEPS;
import static dev.vela.adapters.cpu.RunnerFixture.MAX_RELATIVE_ERROR;
import static dev.vela.adapters.cpu.RunnerFixture.greedy;
import static dev.vela.adapters.cpu.RunnerFixture.greedyTogether;
import static dev.vela.adapters.cpu.RunnerFixture.prompt;
import static dev.vela.adapters.cpu.RunnerFixture.relativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.cpu.RunnerFixture.Blocks;
import dev.vela.adapters.cpu.RunnerFixture.Models;
import dev.vela.adapters.cpu.RunnerFixture.TestModel;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.application.port.out.Quantization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The runner with its weights quantized as they are packed (Q8_0, Q4_0) against the float64
 * reference run on the same weights quantized and dequantized: apart from the quantization itself,
 * the kernels are exact; and a sequence's logits do not depend on its batch.
 */
class QuantizedRunnerTest {

    private static final int BLOCK = 16;
    private static final TestModel MODEL = TestModel.QWEN2_5_GEOMETRY_BF16;

    @TempDir
    static Path modelsDirectory;
    private static Models models;
    private static final List<SafetensorsModelWeights> OPENED = new ArrayList<>();

    @BeforeAll
    static void setUpModels() {
        models = new Models(modelsDirectory, 13);
    }

    @AfterAll
    static void closeWeights() {
        OPENED.forEach(SafetensorsModelWeights::close);
    }

    private static PanamaModelRunner load(Quantization quantization) {
        SafetensorsModelWeights weights = SafetensorsModelWeights.open(List.of(models.path(MODEL).resolve("model.safetensors")));
        OPENED.add(weights);
        PanamaModelRunner runner = PanamaModelRunner.load(MODEL.config(), weights, quantization, 2);
        runner.allocateKvCache(BLOCK, 64L << 20);
        return runner;
    }

    @ParameterizedTest
    @EnumSource(value = Quantization.class, names = {"Q8_0", "Q4_0"})
    void logitsAreTheReferencesOnTheDequantizedWeights(Quantization quantization) {
        int[] prompt = prompt(7, MODEL.config().vocabSize());
        List<double[]> expected = ReferenceQwen2.load(models.path(MODEL), quantization).new Session().greedy(prompt, DECODE_STEPS);
        List<float[]> actual;
        try (PanamaModelRunner runner = load(quantization)) {
            assertEquals(quantization.flagValue(), runner.info().quantization());
            actual = greedy(runner, new Blocks(BLOCK), 1, prompt, DECODE_STEPS);
        }
        assertEquals(expected.stream().map(ReferenceQwen2::argmax).toList(), actual.stream().map(RunnerFixture::argmax).toList(),
                "greedy tokens");
        for (int step = 0; step < expected.size(); step++) {
            double error = relativeError(actual.get(step), expected.get(step));
            assertTrue(error <= MAX_RELATIVE_ERROR, "step " + step + ": relative L2 error " + error);
        }
        // the test has teeth: the unquantized weights' logits are far from these
        List<double[]> unquantized = ReferenceQwen2.load(models.path(MODEL)).new Session().greedy(prompt, 0);
        double quantizationError = relativeError(actual.getFirst(), unquantized.getFirst());
        assertTrue(quantizationError > 10 * MAX_RELATIVE_ERROR, "quantization moves the logits by " + quantizationError);
    }

    @ParameterizedTest
    @EnumSource(value = Quantization.class, names = {"Q8_0", "Q4_0"})
    void aSequencesLogitsAreBitForBitTheSameAloneOrInAMixedBatch(Quantization quantization) {
        int vocab = MODEL.config().vocabSize();
        int[][] prompts = {prompt(1, vocab), Arrays.copyOf(prompt(2, vocab), 5), Arrays.copyOf(prompt(3, vocab), 19),
            Arrays.copyOf(prompt(4, vocab), 1), prompt(5, vocab), Arrays.copyOf(prompt(6, vocab), 9),
            Arrays.copyOf(prompt(7, vocab), 3)};
        try (PanamaModelRunner runner = load(quantization)) {
            List<List<float[]>> alone = new ArrayList<>();
            Blocks blocks = new Blocks(BLOCK);
            for (int s = 0; s < prompts.length; s++) {
                alone.add(greedy(runner, blocks, 100 + s, prompts[s], 6));
            }
            List<List<float[]>> together = greedyTogether(runner, new Blocks(BLOCK), prompts, 6);
            for (int s = 0; s < prompts.length; s++) {
                for (int step = 0; step < 7; step++) {
                    assertArrayEquals(alone.get(s).get(step), together.get(s).get(step), "sequence " + s + ", step " + step);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Quantization.class, names = {"Q8_0", "Q4_0"})
    void aChangedQuantizationPacksAgainAndKeepsOnlyItsOwnFiles(Quantization quantization, @TempDir Path packed) throws Exception {
        SafetensorsModelWeights weights = SafetensorsModelWeights.open(List.of(models.path(MODEL).resolve("model.safetensors")));
        OPENED.add(weights);
        PanamaModelRunner.load(MODEL.config(), weights, 2, packed).close();
        List<Path> bf16 = files(packed);
        long bf16Bytes = bytes(bf16);
        PanamaModelRunner.load(MODEL.config(), weights, quantization, 2, packed).close();
        List<Path> quantized = files(packed);
        assertEquals(bf16.size(), quantized.size());
        assertTrue(quantized.stream().noneMatch(bf16::contains), "every matrix packed again, the bf16 files removed");
        assertTrue(bytes(quantized) < 0.6 * bf16Bytes, "quantized files take at most 34 bytes per 32 weights, not 64");
    }

    private static List<Path> files(Path directory) throws Exception {
        try (Stream<Path> listing = Files.list(directory)) {
            return listing.filter(file -> file.toString().endsWith(".bin")).sorted().toList();
        }
    }

    private static long bytes(List<Path> files) throws Exception {
        long total = 0;
        for (Path file : files) {
            total += Files.size(file);
        }
        return total;
    }
}
