package dev.vela.adapters.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.Qwen2GgufWriter;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.application.port.out.Qwen2Tensor;
import dev.vela.application.port.out.WeightTensor;
import dev.vela.domain.model.ModelConfig;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** GGUF files our writer wrote, read back: shapes, values, metadata, and every way a file can be wrong. */
class GgufModelWeightsTest {

    @TempDir
    static Path models;
    static Path tiny;

    @TempDir
    Path temp;

    @BeforeAll
    static void writeTinyModel() {
        tiny = RandomModelWriter.write(ModelPreset.TINY, WeightType.FLOAT32, 5, models.resolve("tiny"));
    }

    @ParameterizedTest
    @EnumSource(GgmlType.class)
    void everyTensorReadsBackAsTheWriterStoredIt(GgmlType type) throws IOException {
        Path file = write(type);
        try (GgufModelWeights gguf = GgufModelWeights.open(file);
             SafetensorsModelWeights source = SafetensorsModelWeights.open(List.of(tiny.resolve("model.safetensors")))) {
            assertEquals(source.names().stream().sorted().toList(), gguf.names().stream().sorted().toList());
            ModelConfig config = HfModelDirectory.open(tiny).config();
            for (String name : source.names()) {
                WeightTensor expected = source.tensor(name);
                WeightTensor actual = gguf.tensor(name);
                GgmlType matrixType = Qwen2GgufWriter.matrixType(name, config, type);
                assertArrayEquals(expected.shape(), actual.shape(), name);
                assertEquals(expected.rank() == 1 ? WeightTensor.Type.F32 : matrixType.weightType(), actual.type(), name);
                float[] want = floats(expected);
                float[] got = floats(actual);
                for (int i = 0; i < want.length; i++) {
                    float stored = expected.rank() == 1 ? want[i] : storedAs(matrixType, want, i);
                    assertEquals(stored, got[i], name + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void aRandomModelWrittenStraightToGgufHoldsTheBlocksOfItsSafetensorsTwin() throws IOException {
        Path direct = RandomModelWriter.writeGguf(ModelPreset.TINY.config(WeightType.FLOAT32), ModelPreset.TINY.tokenizer(), 5,
                temp.resolve("direct"), GgmlType.Q4_0);
        try (GgufModelWeights straight = GgufModelWeights.open(direct);
             GgufModelWeights converted = GgufModelWeights.open(write(GgmlType.Q4_0))) {
            assertEquals(converted.names(), straight.names());
            for (String name : converted.names()) {
                assertEquals(-1, converted.tensor(name).data().mismatch(straight.tensor(name).data()), name);
            }
        }
    }

    @Test
    void theModelShapeComesFromTheQwen2Metadata() throws IOException {
        ModelConfig expected = HfModelDirectory.open(tiny).config();
        for (GgmlType type : List.of(GgmlType.F32, GgmlType.Q8_0, GgmlType.Q4_0)) {
            try (GgufFile file = GgufFile.open(write(type))) {
                ModelConfig config = GgufModelConfig.read(file);
                assertEquals(new ModelConfig(expected.architecture(), expected.hiddenSize(), expected.numLayers(),
                        expected.numHeads(), expected.numKvHeads(), expected.headDim(), expected.intermediateSize(),
                        expected.vocabSize(), expected.maxPositionEmbeddings(), (float) expected.ropeTheta(),
                        (float) expected.rmsNormEps(), false, switch (type) {
                            case F32 -> "float32";
                            case Q8_0 -> "q8_0";
                            default -> "q4_0";
                        }), config);
            }
        }
    }

    @Test
    void aFileWithoutAnOutputTensorTiesItToTheEmbedding() throws IOException {
        Path tied = RandomModelWriter.write(ModelPreset.TINY_TIED, WeightType.FLOAT32, 5, temp.resolve("tied"));
        Path file = temp.resolve("tied.gguf");
        Qwen2GgufWriter.write(tied, file, GgmlType.Q8_0);
        try (GgufFile gguf = GgufFile.open(file); GgufModelWeights weights = GgufModelWeights.open(file)) {
            assertTrue(GgufModelConfig.read(gguf).tieWordEmbeddings());
            assertEquals(1_000_000.0, GgufModelConfig.read(gguf).ropeTheta());
            assertFalse(weights.contains(Qwen2Tensor.LM_HEAD));
        }
    }

    @Test
    void blocksDecodeAsLlamaCppDefinesThem() {
        MemorySegment q8 = MemorySegment.ofArray(new byte[34]);
        q8.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, Float.floatToFloat16(0.5f));
        for (int j = 0; j < 32; j++) {
            q8.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 2 + j, (byte) (j - 16));
        }
        WeightTensor q8Tensor = new WeightTensor("q8", WeightTensor.Type.Q8_0, new long[] {1, 32}, q8);
        MemorySegment q4 = MemorySegment.ofArray(new byte[18]);
        q4.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0, Float.floatToFloat16(-2f));
        for (int j = 0; j < 16; j++) {
            q4.set(java.lang.foreign.ValueLayout.JAVA_BYTE, 2 + j, (byte) (j | (15 - j) << 4));
        }
        WeightTensor q4Tensor = new WeightTensor("q4", WeightTensor.Type.Q4_0, new long[] {32}, q4);
        float[] rowQ8 = new float[32];
        float[] rowQ4 = new float[32];
        q8Tensor.copyFloats(0, 32, rowQ8, 0);
        q4Tensor.copyFloats(0, 32, rowQ4, 0);
        for (int j = 0; j < 32; j++) {
            assertEquals(0.5f * (j - 16), rowQ8[j], "q8_0 element " + j);
            assertEquals(0.5f * (j - 16), q8Tensor.floatAt(j));
            int nibble = j < 16 ? j : 15 - (j - 16);
            assertEquals(-2f * (nibble - 8), rowQ4[j], "q4_0 element " + j);
            assertEquals(-2f * (nibble - 8), q4Tensor.floatAt(j));
        }
    }

    @Test
    void quantizingRoundsAsGgmlDoes() {
        float[] x = new float[32];
        x[0] = -127f;
        x[1] = 0.5f;
        x[2] = -0.5f;
        x[3] = 2.5f;
        ByteBuffer q8 = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN);
        WeightTensor.quantizeBlock(WeightTensor.Type.Q8_0, x, 0, MemorySegment.ofBuffer(q8), 0);
        assertEquals(1f, Float.float16ToFloat(q8.getShort(0)));
        assertEquals(List.of(-127, 1, -1, 3), List.of((int) q8.get(2), (int) q8.get(3), (int) q8.get(4), (int) q8.get(5)),
                "roundf: halves away from zero");
        float[] y = new float[32];
        y[0] = 8f;
        y[17] = -8f;
        ByteBuffer q4 = ByteBuffer.allocate(18).order(ByteOrder.LITTLE_ENDIAN);
        WeightTensor.quantizeBlock(WeightTensor.Type.Q4_0, y, 0, MemorySegment.ofBuffer(q4), 0);
        assertEquals(-1f, Float.float16ToFloat(q4.getShort(0)), "d = the element of largest magnitude, first one kept, / -8");
        assertEquals(0, q4.get(2) & 0xF, "8 / -1 + 8.5 truncates to 0");
        assertEquals(8, (q4.get(2) >> 4) & 0xF, "element 16 is zero: 8");
        assertEquals(15, (q4.get(3) >> 4) & 0xF, "-8 / -1 + 8.5 = 16.5 is clamped to 15");
    }

    @Test
    void anotherArchitectureIsRefusedNamingIt() throws IOException {
        Path file = write(GgmlType.F32);
        byte[] bytes = Files.readAllBytes(file);
        int at = indexOf(bytes, "qwen2".getBytes(StandardCharsets.UTF_8));
        System.arraycopy("llama".getBytes(StandardCharsets.UTF_8), 0, bytes, at, 5);
        Files.write(file, bytes);
        try (GgufFile gguf = GgufFile.open(file)) {
            ModelDirectoryException refused = assertThrows(ModelDirectoryException.class, () -> GgufModelConfig.read(gguf));
            assertEquals("tiny.gguf: its architecture is llama; Vela serves GGUF files of the qwen2 architecture only",
                    refused.getMessage());
        }
    }

    @Test
    void anUnsupportedTensorTypeIsRefusedNamingTheTensorAndTheType() throws IOException {
        Path file = write(GgmlType.F32);
        byte[] bytes = Files.readAllBytes(file);
        byte[] name = "blk.1.ffn_down.weight".getBytes(StandardCharsets.UTF_8);
        int typeAt = indexOf(bytes, name) + name.length + 4 + 2 * 8;
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(typeAt, 12);
        Files.write(file, bytes);
        ModelDirectoryException refused = assertThrows(ModelDirectoryException.class, () -> GgufFile.open(file));
        assertEquals("tiny.gguf: tensor blk.1.ffn_down.weight is of ggml type Q4_K (12); Vela reads F32, F16, BF16, "
                + "Q8_0 and Q4_0", refused.getMessage());
    }

    @Test
    void aTruncatedFileIsRefusedWhereverItIsCut() throws IOException {
        byte[] whole = Files.readAllBytes(write(GgmlType.Q4_0));
        Path cut = temp.resolve("cut.gguf");
        SplittableRandom random = new SplittableRandom(1);
        for (int round = 0; round < 60; round++) {
            int length = round < 30 ? random.nextInt(4096) : random.nextInt(whole.length);
            Files.write(cut, Arrays.copyOf(whole, length));
            ModelDirectoryException refused = assertThrows(ModelDirectoryException.class, () -> GgufModelWeights.open(cut).close(),
                    "cut at " + length);
            assertTrue(refused.getMessage().startsWith("cut.gguf: "), refused.getMessage());
        }
        Files.write(cut, Arrays.copyOf(whole, whole.length - 1));
        assertTrue(assertThrows(ModelDirectoryException.class, () -> GgufModelWeights.open(cut)).getMessage()
                .startsWith("cut.gguf: truncated; tensor "));
    }

    @Test
    void aCorruptHeaderIsRefusedOrReadNeverCrashes() throws IOException {
        byte[] whole = Files.readAllBytes(write(GgmlType.Q8_0));
        int header;
        try (GgufFile gguf = GgufFile.open(write(GgmlType.Q8_0))) {
            header = (int) gguf.tensors().values().iterator().next().fileOffset();
        }
        Path corrupt = temp.resolve("corrupt.gguf");
        SplittableRandom random = new SplittableRandom(2);
        for (int round = 0; round < 300; round++) {
            byte[] bytes = whole.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                bytes[random.nextInt(header)] = (byte) random.nextInt(256);
            }
            Files.write(corrupt, bytes);
            try (GgufFile gguf = GgufFile.open(corrupt)) {
                GgufModelConfig.read(gguf);
            } catch (ModelDirectoryException expected) {
                assertTrue(expected.getMessage().startsWith("corrupt.gguf: "), expected.getMessage());
            }
        }
    }

    @Test
    void notAGgufFileIsSaidSo() throws IOException {
        Path file = temp.resolve("model.gguf");
        Files.writeString(file, "{\"not\": \"gguf\"}");
        assertEquals("model.gguf: not a GGUF file (it does not start with \"GGUF\")",
                assertThrows(ModelDirectoryException.class, () -> GgufFile.open(file)).getMessage());
    }

    private Path write(GgmlType type) throws IOException {
        Path file = temp.resolve("tiny.gguf");
        Qwen2GgufWriter.write(tiny, file, type);
        return file;
    }

    /** What element {@code i} of the row-major {@code values} becomes when stored as {@code type}. */
    private static float storedAs(GgmlType type, float[] values, int i) {
        return switch (type) {
            case F32 -> values[i];
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(values[i]));
            case BF16 -> Float.intBitsToFloat((Float.floatToRawIntBits(values[i]) + 0x7fff
                    + ((Float.floatToRawIntBits(values[i]) >>> 16) & 1)) & 0xffff0000);
            case Q8_0, Q4_0 -> {
                int block = i / 32 * 32;
                ByteBuffer bytes = ByteBuffer.allocate(34).order(ByteOrder.LITTLE_ENDIAN);
                WeightTensor.quantizeBlock(type.weightType(), values, block, MemorySegment.ofBuffer(bytes), 0);
                float d = Float.float16ToFloat(bytes.getShort(0));
                int j = i - block;
                yield type == GgmlType.Q8_0 ? d * bytes.get(2 + j)
                        : d * ((j < 16 ? bytes.get(2 + j) & 0xF : (bytes.get(2 + j - 16) >> 4) & 0xF) - 8);
            }
        };
    }

    private static float[] floats(WeightTensor tensor) {
        float[] values = new float[(int) tensor.elements()];
        tensor.copyFloats(0, values.length, values, 0);
        return values;
    }

    private static int indexOf(byte[] bytes, byte[] part) {
        for (int i = 0; i + part.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + part.length, part, 0, part.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }
}
