package dev.vela.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.application.port.out.WeightTensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The matrix kernels against each other and against float64: whatever path a product takes (one
 * token, groups of four, the leftover rows and tokens of a block, a thread's sub-range), each
 * element is bit-for-bit what the one-row-one-token kernel gives, and close to the exact product.
 */
class MatrixTest {

    private static final Arena ARENA = Arena.ofShared();

    enum Type { BF16, F32 }

    @AfterAll
    static void free() {
        ARENA.close();
    }

    @ParameterizedTest
    @EnumSource(Type.class)
    void everyTilingGivesTheSameBitsAsOneRowAtATime(Type type) {
        SplittableRandom random = new SplittableRandom(7);
        // rows: not a multiple of three or four, several blocks; columns: whole steps and a tail
        for (int[] shape : new int[][] {{7, 16}, {29, 50}, {100, 2 * Matrix.STEP + 6}, {250, 3000}}) {
            int rows = shape[0];
            int cols = shape[1];
            Matrix matrix = matrix(type, rows, cols, random);
            for (int tokens : new int[] {1, 2, 3, 4, 5, 7, 8, 9}) {
                Activations x = activations(cols, tokens, random);
                float[] whole = new float[tokens * rows];
                matrix.multiply(x, tokens, whole, rows, 0, 0, rows);
                float[] parts = new float[tokens * rows];
                int split = rows / 3 + 1;
                matrix.multiply(x, tokens, parts, rows, 0, 0, split);
                matrix.multiply(x, tokens, parts, rows, 0, split, rows);
                float[] sums = new float[Matrix.L];
                for (int t = 0; t < tokens; t++) {
                    double[] exact = exact(matrix, x, t);
                    for (int j = 0; j < rows; j++) {
                        matrix.oneRowOneToken(in(matrix, x), t * cols, j, sums);
                        float alone = Matrix.lanes(sums, 0) + matrix.tail(x.plain(), t * cols, j * matrix.rowBytes);
                        String where = type + " " + rows + "x" + cols + ", " + tokens + " tokens, token " + t + ", row " + j;
                        assertEquals(Float.floatToRawIntBits(alone), Float.floatToRawIntBits(whole[t * rows + j]), where);
                        assertEquals(Float.floatToRawIntBits(alone), Float.floatToRawIntBits(parts[t * rows + j]), where);
                        assertTrue(Math.abs(alone - exact[j]) <= 1e-4 * Math.sqrt(cols), where + ": " + alone + " vs " + exact[j]);
                    }
                }
            }
        }
    }

    private static float[] in(Matrix matrix, Activations x) {
        return matrix.bf16() ? x.split() : x.plain();
    }

    private static double[] exact(Matrix matrix, Activations x, int token) {
        float[] row = new float[matrix.cols];
        double[] out = new double[matrix.rows];
        for (int j = 0; j < matrix.rows; j++) {
            matrix.row(j, row, 0);
            for (int k = 0; k < matrix.cols; k++) {
                out[j] += (double) row[k] * x.plain()[token * matrix.cols + k];
            }
        }
        return out;
    }

    private static Activations activations(int width, int tokens, SplittableRandom random) {
        Activations x = new Activations(width);
        float[] plain = x.reset(tokens);
        for (int i = 0; i < tokens * width; i++) {
            plain[i] = (float) (random.nextDouble() * 2 - 1);
        }
        x.prepareSplit();
        return x;
    }

    private static Matrix matrix(Type type, int rows, int cols, SplittableRandom random) {
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
        return Matrix.of(new WeightTensor("w", stored, new long[] {rows, cols}, data));
    }
}
