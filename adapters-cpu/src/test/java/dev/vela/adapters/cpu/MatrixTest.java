package dev.vela.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.application.port.out.Quantization;
import dev.vela.application.port.out.WeightTensor;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The matrix kernels against each other and against float64: whatever path a product takes (one
 * token, tiles of six, four or one tokens, column chunks, a padded last group, a thread's share of
 * the groups), each element is bit-for-bit what the token alone gives, and close to the exact product
 * (for quantized weights, of the dequantized weights).
 */
class MatrixTest {

    private static final Arena ARENA = Arena.ofShared();
    private static final PackedStore STORE = PackedStore.inMemory();

    enum Type { BF16, F32, Q8_0, Q4_0 }

    @AfterAll
    static void free() {
        ARENA.close();
        STORE.close();
    }

    @ParameterizedTest
    @EnumSource(Type.class)
    void everyTilingGivesTheSameBitsAsOneTokenAtATime(Type type) {
        SplittableRandom random = new SplittableRandom(7);
        try (WorkerPool pool = new WorkerPool(2)) {
            // rows: not a multiple of the group, several blocks; columns: few, and more than one chunk
            for (int[] shape : new int[][] {{7, 16}, {29, 50}, {100, 2 * Matrix.GROUP + 6}, {250, 3000}}) {
                int rows = shape[0];
                int cols = quantized(type) ? (shape[1] + 31) / 32 * 32 : shape[1];
                WeightTensor tensor = tensor(type, rows, cols, random);
                Matrix matrix = Matrix.pack(tensor, STORE, pool);
                for (int tokens : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 16}) {
                    float[] x = activations(cols, tokens, random);
                    float[] whole = new float[tokens * rows];
                    matrix.multiply(x, cols, tokens, whole, rows, 0, 0, matrix.groups);
                    float[] parts = new float[tokens * rows];
                    int split = matrix.groups / 2;
                    matrix.multiply(x, cols, tokens, parts, rows, 0, 0, split);
                    matrix.multiply(x, cols, tokens, parts, rows, 0, split, matrix.groups);
                    for (int t = 0; t < tokens; t++) {
                        float[] alone = new float[rows];
                        matrix.multiply(Arrays.copyOfRange(x, t * cols, (t + 1) * cols), cols, 1, alone, rows, 0, 0, matrix.groups);
                        double[] exact = exact(tensor, x, t);
                        for (int j = 0; j < rows; j++) {
                            String where = type + " " + rows + "x" + cols + ", " + tokens + " tokens, token " + t + ", row " + j;
                            assertEquals(Float.floatToRawIntBits(alone[j]), Float.floatToRawIntBits(whole[t * rows + j]), where);
                            assertEquals(Float.floatToRawIntBits(alone[j]), Float.floatToRawIntBits(parts[t * rows + j]), where);
                            assertTrue(Math.abs(alone[j] - exact[j]) <= 1e-4 * Math.sqrt(cols), where + ": " + alone[j] + " vs " + exact[j]);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Type.class, names = {"Q8_0", "Q4_0"})
    void floatWeightsQuantizedAsTheyArePackedAreTheBlocksOfAQuantizedFile(Type type) {
        SplittableRandom random = new SplittableRandom(11);
        try (WorkerPool pool = new WorkerPool(2)) {
            WeightTensor floats = tensor(Type.BF16, 70, 96, random);
            Matrix fromFloats = Matrix.pack(floats, Quantization.valueOf(type.name()), STORE, pool);
            Matrix fromBlocks = Matrix.pack(blocks(floats, WeightTensor.Type.valueOf(type.name())), STORE, pool);
            assertArrayEquals(fromBlocks.packed.toArray(ValueLayout.JAVA_BYTE), fromFloats.packed.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    private static boolean quantized(Type type) {
        return type == Type.Q8_0 || type == Type.Q4_0;
    }

    /** {@code floats} quantized row by row, as a file of llama.cpp blocks holds them. */
    private static WeightTensor blocks(WeightTensor floats, WeightTensor.Type type) {
        int rows = Math.toIntExact(floats.dim(0));
        int cols = Math.toIntExact(floats.dim(1));
        MemorySegment data = ARENA.allocate(type.bytesOf((long) rows * cols), 64);
        float[] row = new float[cols];
        for (int r = 0; r < rows; r++) {
            floats.copyFloats((long) r * cols, cols, row, 0);
            for (int b = 0; b < cols / WeightTensor.BLOCK; b++) {
                WeightTensor.quantizeBlock(type, row, b * WeightTensor.BLOCK, data,
                        ((long) r * cols / WeightTensor.BLOCK + b) * type.blockBytes());
            }
        }
        return new WeightTensor("w", type, new long[] {rows, cols}, data);
    }

    private static double[] exact(WeightTensor tensor, float[] x, int token) {
        int rows = Math.toIntExact(tensor.dim(0));
        int cols = Math.toIntExact(tensor.dim(1));
        double[] out = new double[rows];
        for (int j = 0; j < rows; j++) {
            for (int k = 0; k < cols; k++) {
                long i = (long) j * cols + k;
                float w = switch (tensor.type()) {
                    case BF16 -> Float.intBitsToFloat(tensor.data().get(Matrix.SHORT, 2 * i) << 16);
                    case F32 -> tensor.data().get(Matrix.FLOAT, 4 * i);
                    default -> WeightTensor.dequantizeBlocks(tensor.type(), tensor.data(), i);
                };
                out[j] += (double) w * x[token * cols + k];
            }
        }
        return out;
    }

    private static float[] activations(int width, int tokens, SplittableRandom random) {
        float[] x = new float[tokens * width];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextDouble() * 2 - 1);
        }
        return x;
    }

    private static WeightTensor tensor(Type type, int rows, int cols, SplittableRandom random) {
        if (quantized(type)) {
            return blocks(tensor(Type.BF16, rows, cols, random), WeightTensor.Type.valueOf(type.name()));
        }
        long elements = (long) rows * cols;
        MemorySegment data = ARENA.allocate(elements * (type == Type.BF16 ? 2 : 4), 64);
        for (long i = 0; i < elements; i++) {
            float value = (float) (random.nextDouble() * 0.2 - 0.1);
            if (type == Type.BF16) {
                data.set(Matrix.SHORT, 2 * i, (short) (Float.floatToRawIntBits(value) >>> 16));
            } else {
                data.set(Matrix.FLOAT, 4 * i, value);
            }
        }
        WeightTensor.Type stored = type == Type.BF16 ? WeightTensor.Type.BF16 : WeightTensor.Type.F32;
        return new WeightTensor("w", stored, new long[] {rows, cols}, data);
    }
}
