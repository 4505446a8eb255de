package dev.vela.application.engine;

/**
 * Finds thresholds over a row of floats in linear time, without sorting it: the k-th largest
 * value (top-k) and the value at which the largest values reach a share of the total mass
 * (top-p). Three histogram passes over the float's bits (11, 11 and 10 bits) pin the exact value.
 * Not thread-safe: one instance per engine thread; the histograms are reused.
 */
final class RadixSelect {

    private static final int[] SHIFTS = {21, 10, 0};
    private static final int[] WIDTHS = {11, 11, 10};
    private final int[] counts = new int[1 << 11];
    private final double[] masses = new double[1 << 11];

    /** Maps a float to an unsigned-comparable int: larger floats give larger keys. */
    static int key(float value) {
        int bits = Float.floatToRawIntBits(value);
        return bits >= 0 ? bits ^ 0x80000000 : ~bits;
    }

    static float valueOf(int key) {
        return Float.intBitsToFloat(key < 0 ? key ^ 0x80000000 : ~key);
    }

    /** The k-th largest of {@code values[0..n)} (1-based k; k &le; n). */
    float kthLargest(float[] values, int n, int k) {
        int prefix = 0;
        int prefixMask = 0;
        int remaining = k;
        for (int level = 0; level < 3; level++) {
            int shift = SHIFTS[level];
            int bins = 1 << WIDTHS[level];
            java.util.Arrays.fill(counts, 0, bins, 0);
            for (int i = 0; i < n; i++) {
                int key = key(values[i]);
                if ((key & prefixMask) == prefix) {
                    counts[(key >>> shift) & (bins - 1)]++;
                }
            }
            int bin = bins - 1;
            while (bin > 0 && counts[bin] < remaining) {
                remaining -= counts[bin];
                bin--;
            }
            prefix |= bin << shift;
            prefixMask |= (bins - 1) << shift;
        }
        return valueOf(prefix);
    }

    /**
     * The value {@code t} such that the values {@code >= t} of {@code weights[0..n)} (all
     * non-negative) are the smallest set of largest values whose sum reaches {@code target}.
     */
    float massThreshold(float[] weights, int n, double target) {
        int prefix = 0;
        int prefixMask = 0;
        double remaining = target;
        for (int level = 0; level < 3; level++) {
            int shift = SHIFTS[level];
            int bins = 1 << WIDTHS[level];
            java.util.Arrays.fill(masses, 0, bins, 0.0);
            for (int i = 0; i < n; i++) {
                float w = weights[i];
                if (w > 0f) {
                    int key = key(w);
                    if ((key & prefixMask) == prefix) {
                        masses[(key >>> shift) & (bins - 1)] += w;
                    }
                }
            }
            int bin = bins - 1;
            while (bin > 0 && masses[bin] < remaining) {
                remaining -= masses[bin];
                bin--;
            }
            prefix |= bin << shift;
            prefixMask |= (bins - 1) << shift;
        }
        return valueOf(prefix);
    }
}
