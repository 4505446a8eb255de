package dev.vela.adapters.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The start-up measurement behind {@link VectorWidth}, run as a JVM of its own: streams a buffer
 * larger than the caches through a bf16 decode product's inner loop at 256 and 512 bits,
 * alternating, and prints the best rate of each, or why there is none.
 */
public final class VectorWidthProbe {

    /** Ints streamed per measurement: 32 MiB, beyond a core's share of the L3 cache. */
    private static final int PROBE_INTS = 8 << 20;
    /**
     * The most the measurement may take: where the JIT that vectorizes is off (as with
     * {@code -XX:TieredStopAtLevel=1}) the loops run boxed, and start-up must not wait for them.
     */
    private static final long PROBE_BUDGET_NANOS = 2_000_000_000L;
    /** GB/s below which the probe cannot have run compiled: any core streams faster than this. */
    private static final double COMPILED_RATE = 1.0;
    /** Columns of the probe's matrix: a group of rows is a contiguous run of this many vectors. */
    private static final int PROBE_COLUMNS = 1024;
    private static final int PROBE_ROUNDS = 7;
    /** Passes over {@link #WARM_UP_INTS} ints that get both loops compiled by C2, the JIT that vectorizes. */
    private static final int WARM_UP_PASSES = 40;
    private static final int WARM_UP_INTS = 64 << 10;
    /** Where the probe's sums go, so that the JIT cannot drop the work. */
    private static volatile float consumed;

    private VectorWidthProbe() {
    }

    /** The best rates measured, in GB/s. */
    record Rates(double at256, double at512) {

        private static final String PREFIX = "rates ";

        @Override
        public String toString() {
            return PREFIX + at256 + " " + at512;
        }

        /** The rates in what {@link #main} printed, or null where it printed why there are none. */
        static Rates parse(String printed) {
            if (!printed.startsWith(PREFIX)) {
                return null;
            }
            String[] fields = printed.substring(PREFIX.length()).strip().split(" ");
            try {
                return fields.length == 2 ? new Rates(Double.parseDouble(fields[0]), Double.parseDouble(fields[1])) : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    public static void main(String[] args) {
        System.out.println(measure());
    }

    /** The rates as {@link Rates#toString}, or a sentence saying why the loops did not run compiled. */
    static String measure() {
        int[] data = new int[PROBE_INTS];
        java.util.Arrays.fill(data, 0x3F803F80);                // bf16 pairs of ones

        float[] x = new float[PROBE_COLUMNS];
        java.util.Arrays.fill(x, 0.5f);
        long deadline = System.nanoTime() + PROBE_BUDGET_NANOS;
        // warm-up on a cache-sized share until both loops run compiled, then the whole buffer
        for (int i = 0; i < WARM_UP_PASSES && System.nanoTime() < deadline; i++) {
            consumed = Probe.stream256(data, WARM_UP_INTS, x) + Probe.stream512(data, WARM_UP_INTS, x);
        }
        double best256 = 0;
        double best512 = 0;
        for (int round = 0; round < PROBE_ROUNDS && (round == 0 || System.nanoTime() < deadline); round++) {
            long start = System.nanoTime();
            consumed = Probe.stream256(data, data.length, x);
            long middle = System.nanoTime();
            consumed = Probe.stream512(data, data.length, x);
            long end = System.nanoTime();
            best256 = Math.max(best256, 4.0 * data.length / (middle - start));
            best512 = Math.max(best512, 4.0 * data.length / (end - middle));
        }
        if (Math.max(best256, best512) < COMPILED_RATE) {
            // the loops never ran compiled within the budget (no C2, or a starved machine): no measurement to go by
            return String.format("the start-up measurement did not run compiled within its budget (%.2f GB/s at 512 bits,"
                    + " %.2f at 256)", best512, best256);
        }
        return new Rates(best256, best512).toString();
    }

    /** The probe's kernels, one per width: the Vector API compiles to vector instructions only where the species is a constant. */
    private static final class Probe {

        private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
        private static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
        private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
        private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;

        private Probe() {
        }

        static float stream256(int[] data, int length, float[] x) {
            FloatVector sum = FloatVector.zero(F256);
            int lanes = I256.length();
            for (int at = 0; at + PROBE_COLUMNS * lanes <= length; at += PROBE_COLUMNS * lanes) {
                FloatVector low = FloatVector.zero(F256);
                FloatVector high = low;
                for (int k = 0; k < PROBE_COLUMNS; k++) {
                    IntVector w = IntVector.fromArray(I256, data, at + k * lanes);
                    FloatVector v = FloatVector.broadcast(F256, x[k]);
                    low = w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v, low);
                    high = w.and(0xFFFF0000).reinterpretAsFloats().fma(v, high);
                }
                sum = sum.add(low).add(high);
            }
            return sum.lane(0);
        }

        static float stream512(int[] data, int length, float[] x) {
            FloatVector sum = FloatVector.zero(F512);
            int lanes = I512.length();
            for (int at = 0; at + PROBE_COLUMNS * lanes <= length; at += PROBE_COLUMNS * lanes) {
                FloatVector low = FloatVector.zero(F512);
                FloatVector high = low;
                for (int k = 0; k < PROBE_COLUMNS; k++) {
                    IntVector w = IntVector.fromArray(I512, data, at + k * lanes);
                    FloatVector v = FloatVector.broadcast(F512, x[k]);
                    low = w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v, low);
                    high = w.and(0xFFFF0000).reinterpretAsFloats().fma(v, high);
                }
                sum = sum.add(low).add(high);
            }
            return sum.lane(0);
        }
    }
}
