package dev.vela.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.application.port.out.WeightTensor;
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
 * the groups), each element is bit-for-bit what the token alone gives, and close to the exact product.
 */
class MatrixTest {

    private static final Arena ARENA = Arena.ofShared();
    private static final PackedStore STORE = PackedStore.inMemory();

    enum Type { BF16, F32 }

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
                int cols = shape[1];
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

    private static double[] exact(WeightTensor tensor, float[] x, int token) {
        int rows = Math.toIntExact(tensor.dim(0));
        int cols = Math.toIntExact(tensor.dim(1));
        double[] out = new double[rows];
        for (int j = 0; j < rows; j++) {
            for (int k = 0; k < cols; k++) {
                long i = (long) j * cols + k;
                float w = tensor.type() == WeightTensor.Type.BF16
                        ? Float.intBitsToFloat(tensor.data().get(Matrix.SHORT, 2 * i) << 16)
                        : tensor.data().get(Matrix.FLOAT, 4 * i);
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
