package dev.vela.adapters.cpu;

import static dev.vela.adapters.cpu.RunnerFixture.greedy;
import static dev.vela.adapters.cpu.RunnerFixture.prompt;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.cpu.RunnerFixture.Blocks;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.adapters.hf.GgmlType;
import dev.vela.adapters.hf.GgufFile;
import dev.vela.adapters.hf.GgufModelConfig;
import dev.vela.adapters.hf.GgufModelWeights;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.Qwen2GgufWriter;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.application.port.out.ModelWeights;
import dev.vela.application.port.out.WeightTensor;
import dev.vela.domain.model.ModelConfig;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A GGUF file serves the same logits, bit for bit, as the model of the same weights: the
 * safetensors model it was written from (F32, BF16), or the same halves and blocks handed to the
 * runner from memory (F16, Q8_0, Q4_0: the file's blocks are served as they are, never quantized
 * again). At Qwen2.5-0.5B's head counts, with a tied lm_head.
 */
class GgufRunnerTest {

    private static final int BLOCK = 16;
    private static final int STEPS = 4;
    private static final ModelPreset PRESET = ModelPreset.QWEN2_5_GEOMETRY;

    @TempDir
    static Path models;
    private static Path f32;
    private static Path bf16;

    @TempDir
    Path temp;

    @BeforeAll
    static void writeModels() {
        f32 = RandomModelWriter.write(PRESET, WeightType.FLOAT32, 21, models.resolve("f32"));
        bf16 = RandomModelWriter.write(PRESET, WeightType.BFLOAT16, 21, models.resolve("bf16"));
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F32", "BF16"})
    void aFloatGgufGivesTheLogitsOfTheSafetensorsModelItWasWrittenFrom(GgmlType type) throws IOException {
        Path source = type == GgmlType.F32 ? f32 : bf16;
        Path file = temp.resolve("model.gguf");
        Qwen2GgufWriter.write(source, file, type);
        List<float[]> expected;
        try (SafetensorsModelWeights weights = SafetensorsModelWeights.open(List.of(source.resolve("model.safetensors")))) {
            expected = run(PRESET.config(type == GgmlType.F32 ? WeightType.FLOAT32 : WeightType.BFLOAT16), weights);
        }
        assertSameLogits(expected, file);
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"F16", "Q8_0", "Q4_0"})
    void aGgufGivesTheLogitsOfTheSameWeightsHandedToTheRunnerInMemory(GgmlType type) throws IOException {
        Path file = temp.resolve("model.gguf");
        Qwen2GgufWriter.write(f32, file, type);
        List<float[]> expected;
        try (SafetensorsModelWeights source = SafetensorsModelWeights.open(List.of(f32.resolve("model.safetensors")));
             ConvertedWeights converted = new ConvertedWeights(source, config(file), type)) {
            expected = run(config(file), converted);
        }
        assertSameLogits(expected, file);
    }

    @Test
    void aSecondStartMapsTheWeightsPackedFromTheFileByTheFirst() throws IOException {
        Path file = temp.resolve("model.gguf");
        Qwen2GgufWriter.write(f32, file, GgmlType.Q4_0);
        Path packed = temp.resolve("packed");
        List<float[]> first;
        List<float[]> second;
        try (GgufModelWeights weights = GgufModelWeights.open(file);
             PanamaModelRunner runner = PanamaModelRunner.load(config(file), weights, 2, packed)) {
            runner.allocateKvCache(BLOCK, 16L << 20);
            first = greedy(runner, new Blocks(BLOCK), 1, prompt(3, PRESET.config(WeightType.FLOAT32).vocabSize()), STEPS);
        }
        try (LogCapture log = new LogCapture("dev.vela.adapters.cpu");
             GgufModelWeights weights = GgufModelWeights.open(file);
             PanamaModelRunner runner = PanamaModelRunner.load(config(file), weights, 2, packed)) {
            runner.allocateKvCache(BLOCK, 16L << 20);
            second = greedy(runner, new Blocks(BLOCK), 1, prompt(3, PRESET.config(WeightType.FLOAT32).vocabSize()), STEPS);
            assertTrue(log.messages().stream().anyMatch(m -> m.contains("mapped from an earlier start, 0 written")),
                    "nothing packed again: " + log.messages());
        }
        for (int i = 0; i < first.size(); i++) {
            assertArrayEquals(first.get(i), second.get(i));
        }
    }

    private static void assertSameLogits(List<float[]> expected, Path file) {
        List<float[]> actual;
        ModelConfig config = config(file);
        try (GgufModelWeights weights = GgufModelWeights.open(file);
             PanamaModelRunner runner = PanamaModelRunner.load(config, weights, 2)) {
            assertEquals(switch (config.dtype()) {
                case "q8_0", "q4_0" -> config.dtype();
                default -> "none";
            }, runner.info().quantization(), "a file's blocks are served as blocks");
            runner.allocateKvCache(BLOCK, 16L << 20);
            actual = greedy(runner, new Blocks(BLOCK), 1, prompt(3, config.vocabSize()), STEPS);
        }
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(expected.get(i), actual.get(i), "step " + i);
        }
    }

    private static ModelConfig config(Path file) {
        try (GgufFile gguf = GgufFile.open(file)) {
            return GgufModelConfig.read(gguf);
        }
    }

    private static List<float[]> run(ModelConfig config, ModelWeights weights) {
        try (PanamaModelRunner runner = PanamaModelRunner.load(config, weights, 2)) {
            runner.allocateKvCache(BLOCK, 16L << 20);
            return greedy(runner, new Blocks(BLOCK), 1, prompt(3, config.vocabSize()), STEPS);
        }
    }

    /**
     * Every matrix of {@code weights} converted in memory to the type the GGUF writer gives it
     * (halves or blocks, rounded as it rounds them), vectors as float32: the same weights as the
     * file, without it.
     */
    private static final class ConvertedWeights implements ModelWeights {
        private final Arena arena = Arena.ofShared();
        private final Map<String, WeightTensor> tensors = new LinkedHashMap<>();

        ConvertedWeights(ModelWeights weights, ModelConfig config, GgmlType type) {
            for (String name : weights.names()) {
                WeightTensor tensor = weights.tensor(name);
                WeightTensor.Type to = tensor.rank() == 1 ? WeightTensor.Type.F32
                        : Qwen2GgufWriter.matrixType(name, config, type).weightType();
                float[] values = new float[Math.toIntExact(tensor.elements())];
                tensor.copyFloats(0, values.length, values, 0);
                MemorySegment data = arena.allocate(to.bytesOf(values.length), 64);
                for (int i = 0; i < values.length; i += to.blockElements()) {
                    switch (to) {
                        case F32 -> data.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, values[i]);
                        case F16 -> data.setAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i, Float.floatToFloat16(values[i]));
                        case Q8_0, Q4_0 -> WeightTensor.quantizeBlock(to, values, i, data, to.bytesOf(i));
                        case BF16 -> throw new AssertionError("BF16 files are checked against a BF16 model");
                    }
                }
                tensors.put(name, new WeightTensor(name, to, tensor.shape(), data));
            }
        }

        @Override
        public WeightTensor tensor(String name) {
            return tensors.get(name);
        }

        @Override
        public boolean contains(String name) {
            return tensors.containsKey(name);
        }

        @Override
        public Set<String> names() {
            return tensors.keySet();
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
