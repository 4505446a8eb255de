package dev.vela.adapters.cpu;

import java.util.Locale;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width every CPU kernel uses, chosen once per process and logged. The widest the CPU
 * has is not always the fastest: on some AVX-512 machines 512-bit vectors stream the weights at
 * half the speed of 256-bit ones. So where the CPU has vectors wider than 256 bits, a short
 * measurement at start-up (at most about two seconds) streams a buffer larger than the caches through a
 * decode product's inner loop at 256 and 512 bits, alternating, and the faster wins. The JVM
 * property {@code vela.cpu.vector-bits} ({@code 128}, {@code 256}, {@code 512}; default
 * {@code auto}) overrides it.
 */
final class VectorWidth {

    private static final System.Logger LOG = System.getLogger("dev.vela.adapters.cpu");
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

    /** Bits in the chosen vectors: 128, 256 or 512. */
    static final int BITS = choose();

    /**
     * Floats in the chosen vectors. The kernels take the JDK's own species constants, never one
     * looked up by shape: the JIT folds a species' lane count into a kernel reliably only for those,
     * and a kernel whose species it does not fold runs boxed, twenty times slower.
     */
    static final VectorSpecies<Float> FLOATS = switch (BITS) {
        case 512 -> FloatVector.SPECIES_512;
        case 128 -> FloatVector.SPECIES_128;
        default -> FloatVector.SPECIES_256;
    };

    /** Ints in the chosen vectors. */
    static final VectorSpecies<Integer> INTS = switch (BITS) {
        case 512 -> IntVector.SPECIES_512;
        case 128 -> IntVector.SPECIES_128;
        default -> IntVector.SPECIES_256;
    };

    /** Bytes in a quarter of the chosen vectors, one per float lane (no 32-bit byte vectors exist: 64 bits at least). */
    static final VectorSpecies<Byte> QUARTER_BYTES = BITS == 512 ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;

    private VectorWidth() {
    }

    private static int choose() {
        int widest = FloatVector.SPECIES_PREFERRED.vectorBitSize();
        String configured = System.getProperty("vela.cpu.vector-bits", "auto").strip().toLowerCase(Locale.ROOT);
        if (!configured.equals("auto")) {
            int bits;
            try {
                bits = Integer.parseInt(configured);
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits != 128 && bits != 256 && bits != 512 || bits > widest) {
                throw new IllegalArgumentException("vela.cpu.vector-bits must be auto, or 128, 256 or 512 up to this CPU's "
                        + widest + ", not " + configured);
            }
            LOG.log(System.Logger.Level.INFO, "CPU kernels use " + bits + "-bit vectors (vela.cpu.vector-bits; the CPU has "
                    + widest + ")");
            return bits;
        }
        if (widest <= 256) {
            LOG.log(System.Logger.Level.INFO, "CPU kernels use " + widest + "-bit vectors, the widest this CPU has");
            return widest;
        }
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
            LOG.log(System.Logger.Level.INFO, String.format("CPU kernels use 256-bit vectors: the start-up measurement"
                    + " did not run compiled within its budget (%.2f GB/s at 512 bits, %.2f at 256); vela.cpu.vector-bits=512"
                    + " would set the widest", best512, best256));
            return 256;
        }
        int bits = best512 > best256 ? 512 : 256;
        LOG.log(System.Logger.Level.INFO, String.format("CPU kernels use %d-bit vectors: measured at start-up, a decode product "
                + "streams %.1f GB/s with 512-bit vectors and %.1f GB/s with 256-bit ones on one core", bits, best512, best256));
        return bits;
    }

    /**
     * The probe's kernels, in a class of their own: the JIT treats a static final as a constant
     * only once its class is initialized, and {@link VectorWidth} is still initializing while the
     * probe runs.
     */
    private static final class Probe {

        private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
        private static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
        private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
        private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;

        private Probe() {
        }

        // The two kernels differ only in their species: the Vector API compiles to vector instructions
        // only where the species is a constant, so each width needs its own loop.

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
