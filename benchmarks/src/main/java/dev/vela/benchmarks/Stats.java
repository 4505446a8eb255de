package dev.vela.benchmarks;

import java.util.Arrays;

/** Medians and percentiles of measured samples. */
final class Stats {

    private Stats() {
    }

    static double percentile(double[] samples, double p) {
        double[] sorted = samples.clone();
        Arrays.sort(sorted);
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    static double median(double[] samples) {
        return percentile(samples, 50);
    }

    static double min(double[] samples) {
        return Arrays.stream(samples).min().orElse(Double.NaN);
    }

    static double max(double[] samples) {
        return Arrays.stream(samples).max().orElse(Double.NaN);
    }

    /** A comma-separated list of whole numbers from a system property, e.g. {@code -Dvela.bench.clients=1,16}. */
    static int[] intList(String property, String defaults) {
        return Arrays.stream(System.getProperty(property, defaults).split(","))
                .mapToInt(value -> Integer.parseInt(value.strip())).toArray();
    }
}
