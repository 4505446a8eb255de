package dev.vela.application.engine;

import java.util.Arrays;

/**
 * Finds thresholds over a row of floats in linear time, without sorting it: the k-th largest
 * value (top-k) and the value at which the largest values reach a share of the total mass
 * (top-p). A histogram of the floats' top 11 bits over the whole row picks the bin the answer lies
 * in; the bin's few values are gathered and two more histograms (11 and 10 bits) pin the exact
 * value. Not thread-safe: one instance per engine thread; its buffers are reused.
 */
final class RadixSelect {

    private static final int[] SHIFTS = {21, 10, 0};
    private static final int[] WIDTHS = {11, 11, 10};
    private final int[] counts = new int[1 << 11];
    /** Four interleaved histograms for the full pass, so neighbouring elements in one bin do not wait on each other. */
    private final int[] counts4 = new int[4 << 11];
    private final double[] masses = new double[1 << 11];
    private float[] gathered = new float[1024];

    /**
     * Maps a float to an unsigned-comparable int: larger floats give larger keys. Branch-free:
     * logits have random signs, and a mispredicted branch per element would dominate.
     */
    static int key(float value) {
        int bits = Float.floatToRawIntBits(value);
        return bits ^ ((bits >> 31) | 0x80000000);
    }

    static float valueOf(int key) {
        return Float.intBitsToFloat(key < 0 ? key ^ 0x80000000 : ~key);
    }

    /** The k-th largest of {@code values[0..n)} (1-based k; k &le; n). */
    float kthLargest(float[] values, int n, int k) {
        Arrays.fill(counts4, 0);
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            counts4[(key(values[i]) >>> 21) << 2]++;
            counts4[((key(values[i + 1]) >>> 21) << 2) + 1]++;
            counts4[((key(values[i + 2]) >>> 21) << 2) + 2]++;
            counts4[((key(values[i + 3]) >>> 21) << 2) + 3]++;
        }
        for (; i < n; i++) {
            counts4[(key(values[i]) >>> 21) << 2]++;
        }
        for (int b = 0; b < counts.length; b++) {
            counts[b] = counts4[4 * b] + counts4[4 * b + 1] + counts4[4 * b + 2] + counts4[4 * b + 3];
        }
        int bin = counts.length - 1;
        int remaining = k;
        while (bin > 0 && counts[bin] < remaining) {
            remaining -= counts[bin];
            bin--;
        }
        int m = gather(values, n, bin, false);
        int prefix = bin << SHIFTS[0];
        int prefixMask = (counts.length - 1) << SHIFTS[0];
        for (int level = 1; level < 3; level++) {
            int shift = SHIFTS[level];
            int bins = 1 << WIDTHS[level];
            Arrays.fill(counts, 0, bins, 0);
            for (int g = 0; g < m; g++) {
                int key = key(gathered[g]);
                if ((key & prefixMask) == prefix) {
                    counts[(key >>> shift) & (bins - 1)]++;
                }
            }
            bin = bins - 1;
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
        Arrays.fill(masses, 0.0);
        for (int i = 0; i < n; i++) {
            float w = weights[i];
            if (w > 0f) {
                masses[key(w) >>> SHIFTS[0]] += w;
            }
        }
        int bin = masses.length - 1;
        double remaining = target;
        while (bin > 0 && masses[bin] < remaining) {
            remaining -= masses[bin];
            bin--;
        }
        int m = gather(weights, n, bin, true);
        int prefix = bin << SHIFTS[0];
        int prefixMask = (masses.length - 1) << SHIFTS[0];
        for (int level = 1; level < 3; level++) {
            int shift = SHIFTS[level];
            int bins = 1 << WIDTHS[level];
            Arrays.fill(masses, 0, bins, 0.0);
            for (int i = 0; i < m; i++) {
                float w = gathered[i];
                int key = key(w);
                if ((key & prefixMask) == prefix) {
                    masses[(key >>> shift) & (bins - 1)] += w;
                }
            }
            bin = bins - 1;
            while (bin > 0 && masses[bin] < remaining) {
                remaining -= masses[bin];
                bin--;
            }
            prefix |= bin << shift;
            prefixMask |= (bins - 1) << shift;
        }
        return valueOf(prefix);
    }

    /** Copies the values whose top bits are {@code bin} into {@link #gathered}; returns how many. */
    private int gather(float[] values, int n, int bin, boolean positiveOnly) {
        int m = 0;
        for (int i = 0; i < n; i++) {
            float v = values[i];
            if ((key(v) >>> SHIFTS[0]) == bin && (!positiveOnly || v > 0f)) {
                if (m == gathered.length) {
                    gathered = Arrays.copyOf(gathered, 2 * m);
                }
                gathered[m++] = v;
            }
        }
        return m;
    }
}
