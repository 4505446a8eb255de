package dev.vela.adapters.gpu.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The arithmetic of the attention kernels the GPU adapter is to get, emulated in float32 on the CPU
 * against a float64 softmax: (1) decode attention grouped by KV head, each key read once for the
 * query heads that share it, its head dimension in 16-byte chunks of eight bf16 (one lane each,
 * partial dots summed as a warp's butterfly does), the context split in partitions merged by
 * log-sum-exp; (2) tiled causal prefill attention, a tile of queries against tiles of keys with an
 * online softmax. What the kernels must add on the device (shared memory, vector loads, the
 * launch) is checked by the GPU check's kernel stage.
 */
class TiledAttentionMathTest {

    private static final int CHUNK = 8;            // bf16 elements in a 16-byte load
    private static final double TOLERANCE = 2e-5;

    /** Per query head: running max, sum of exponentials, and the unnormalised weighted values. */
    private static final class Partial {
        float max = Float.NEGATIVE_INFINITY;
        float sum;
        final float[] acc;

        Partial(int d) {
            acc = new float[d];
        }

        void add(float score, float[] value) {
            float newMax = Math.max(max, score);
            float correction = (float) Math.exp(max - newMax);
            float weight = (float) Math.exp(score - newMax);
            sum = sum * correction + weight;
            for (int i = 0; i < acc.length; i++) {
                acc[i] = acc[i] * correction + weight * value[i];
            }
            max = newMax;
        }
    }

    @ParameterizedTest(name = "context {0}, group {1}, d {2}, partition {3}")
    @CsvSource({"1, 5, 128, 256", "511, 5, 128, 256", "4097, 5, 128, 512", "8192, 7, 128, 256", "300, 1, 64, 128"})
    void groupedPartitionedDecodeMatchesFloat64(int context, int group, int d, int partition) {
        SplittableRandom random = new SplittableRandom(context * 31L + group);
        float[][] q = matrix(random, group, d);
        float[][] k = matrix(random, context, d);
        float[][] v = matrix(random, context, d);
        float scale = (float) (1.0 / Math.sqrt(d));
        int partitions = (context + partition - 1) / partition;
        Partial[][] parts = new Partial[partitions][group];
        for (int p = 0; p < partitions; p++) {
            for (int h = 0; h < group; h++) {
                parts[p][h] = new Partial(d);
            }
            for (int j = p * partition; j < Math.min(context, (p + 1) * partition); j++) {
                for (int h = 0; h < group; h++) {               // the key is read once for the whole group
                    parts[p][h].add(chunkedDot(q[h], k[j]) * scale, v[j]);
                }
            }
        }
        for (int h = 0; h < group; h++) {
            float[] merged = merge(parts, h, d);
            assertClose(reference(q[h], k, v, context, scale), merged, "head " + h);
        }
    }

    @ParameterizedTest(name = "tokens {0}, query tile {1}, key tile {2}")
    @CsvSource({"1, 64, 64", "63, 64, 64", "200, 64, 32", "1000, 128, 64"})
    void tiledCausalPrefillMatchesFloat64(int tokens, int queryTile, int keyTile) {
        int d = 128;
        SplittableRandom random = new SplittableRandom(tokens);
        float[][] q = matrix(random, tokens, d);
        float[][] k = matrix(random, tokens, d);
        float[][] v = matrix(random, tokens, d);
        float scale = (float) (1.0 / Math.sqrt(d));
        for (int qt = 0; qt < tokens; qt += queryTile) {
            int lastQuery = Math.min(tokens, qt + queryTile) - 1;
            Partial[] rows = new Partial[lastQuery - qt + 1];
            for (int r = 0; r < rows.length; r++) {
                rows[r] = new Partial(d);
            }
            for (int kt = 0; kt <= lastQuery; kt += keyTile) {    // key tiles past the query tile are skipped whole
                for (int r = 0; r < rows.length; r++) {
                    int t = qt + r;
                    for (int j = kt; j < Math.min(kt + keyTile, t + 1); j++) {
                        rows[r].add(chunkedDot(q[t], k[j]) * scale, v[j]);
                    }
                }
            }
            for (int r = 0; r < rows.length; r++) {
                float[] out = new float[d];
                for (int i = 0; i < d; i++) {
                    out[i] = rows[r].acc[i] / rows[r].sum;
                }
                assertClose(reference(q[qt + r], k, v, qt + r + 1, scale), out, "token " + (qt + r));
            }
        }
    }

    /** Each lane's dot over its 16-byte chunk, then the lanes' partial dots summed pairwise, as a butterfly does. */
    private static float chunkedDot(float[] q, float[] k) {
        float[] lanes = new float[Integer.highestOneBit(Math.max(1, (q.length + CHUNK - 1) / CHUNK) * 2 - 1)];
        for (int lane = 0; lane * CHUNK < q.length; lane++) {
            float partial = 0f;
            for (int i = lane * CHUNK; i < Math.min(q.length, lane * CHUNK + CHUNK); i++) {
                partial += q[i] * k[i];
            }
            lanes[lane] = partial;
        }
        for (int width = lanes.length / 2; width > 0; width /= 2) {
            for (int lane = 0; lane < width; lane++) {
                lanes[lane] += lanes[lane + width];
            }
        }
        return lanes[0];
    }

    private static float[] merge(Partial[][] parts, int h, int d) {
        float max = Float.NEGATIVE_INFINITY;
        for (Partial[] part : parts) {
            max = Math.max(max, part[h].max);
        }
        float sum = 0f;
        float[] acc = new float[d];
        for (Partial[] part : parts) {
            float factor = (float) Math.exp(part[h].max - max);
            sum += factor * part[h].sum;
            for (int i = 0; i < d; i++) {
                acc[i] += factor * part[h].acc[i];
            }
        }
        for (int i = 0; i < d; i++) {
            acc[i] /= sum;
        }
        return acc;
    }

    /** Softmax attention of one query over the first {@code context} keys, in float64. */
    private static double[] reference(float[] q, float[][] k, float[][] v, int context, float scale) {
        double[] scores = new double[context];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < context; j++) {
            double dot = 0;
            for (int i = 0; i < q.length; i++) {
                dot += (double) q[i] * k[j][i];
            }
            scores[j] = dot * scale;
            max = Math.max(max, scores[j]);
        }
        double sum = 0;
        double[] out = new double[q.length];
        for (int j = 0; j < context; j++) {
            double weight = Math.exp(scores[j] - max);
            sum += weight;
            for (int i = 0; i < q.length; i++) {
                out[i] += weight * v[j][i];
            }
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    private static void assertClose(double[] expected, float[] actual, String what) {
        double error = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            error += (actual[i] - expected[i]) * (actual[i] - expected[i]);
            norm += expected[i] * expected[i];
        }
        double relative = Math.sqrt(error / norm);
        assertTrue(relative <= TOLERANCE, what + ": relative L2 " + relative);
    }

    private static float[][] matrix(SplittableRandom random, int rows, int columns) {
        float[][] m = new float[rows][columns];
        for (float[] row : m) {
            for (int i = 0; i < columns; i++) {
                row[i] = (float) (random.nextDouble() * 2 - 1);
            }
        }
        return m;
    }
}
