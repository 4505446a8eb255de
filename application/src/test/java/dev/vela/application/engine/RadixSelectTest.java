package dev.vela.application.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RadixSelectTest {

    private final RadixSelect select = new RadixSelect();

    @Test
    void kthLargestEqualsTheSortedArraysKthValue() {
        SplittableRandom random = new SplittableRandom(1);
        for (int trial = 0; trial < 50; trial++) {
            float[] values = new float[1 + random.nextInt(3000)];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextGaussian() * 10);
            }
            int k = 1 + random.nextInt(values.length);
            float[] sorted = values.clone();
            Arrays.sort(sorted);
            assertEquals(sorted[values.length - k], select.kthLargest(values, values.length, k));
        }
    }

    @Test
    void kthLargestHandlesNegativeInfinity() {
        float[] values = {Float.NEGATIVE_INFINITY, 1f, -2f, Float.NEGATIVE_INFINITY};
        assertEquals(-2f, select.kthLargest(values, 4, 2));
        assertEquals(Float.NEGATIVE_INFINITY, select.kthLargest(values, 4, 3));
    }

    @Test
    void massThresholdKeepsTheSmallestTopSetReachingTheTarget() {
        SplittableRandom random = new SplittableRandom(2);
        for (int trial = 0; trial < 50; trial++) {
            float[] weights = new float[1 + random.nextInt(3000)];
            double total = 0;
            for (int i = 0; i < weights.length; i++) {
                weights[i] = (float) Math.exp(random.nextGaussian() * 3);
                total += weights[i];
            }
            double target = random.nextDouble() * total;
            float threshold = select.massThreshold(weights, weights.length, target);
            float[] sorted = weights.clone();
            Arrays.sort(sorted);
            double mass = 0;
            float expected = sorted[sorted.length - 1];
            for (int i = sorted.length - 1; i >= 0; i--) {
                mass += sorted[i];
                expected = sorted[i];
                if (mass >= target) {
                    break;
                }
            }
            assertEquals(expected, threshold, "trial " + trial);
        }
    }
}
