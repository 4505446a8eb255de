package dev.vela.adapters.cpu;

import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width every CPU kernel uses, chosen once per process and logged. The widest the CPU
 * has is not always the fastest: on some AVX-512 machines 512-bit vectors stream the weights at
 * half the speed of 256-bit ones. So where the CPU has vectors wider than 256 bits, a short
 * measurement at start-up (under a second) streams a buffer larger than the caches through a
 * decode product's inner loop at 256 and 512 bits, alternating, and the faster wins. The JVM
 * property {@code vela.cpu.vector-bits} ({@code 128}, {@code 256}, {@code 512}; default
 * {@code auto}) overrides it.
 */
final class VectorWidth {

    private static final System.Logger LOG = System.getLogger("dev.vela.adapters.cpu");
    private static final VectorSpecies<Float> F256 = FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> I256 = IntVector.SPECIES_256;
    private static final VectorSpecies<Float> F512 = FloatVector.SPECIES_512;
    private static final VectorSpecies<Integer> I512 = IntVector.SPECIES_512;
    /** Ints streamed per measurement: 64 MiB, beyond any L3 cache share of a core. */
    private static final int PROBE_INTS = 16 << 20;
    /** Columns of the probe's matrix: a group of rows is a contiguous run of this many vectors. */
    private static final int PROBE_COLUMNS = 1024;
    private static final int PROBE_ROUNDS = 7;
    /** Where the probe's sums go, so that the JIT cannot drop the work. */
    private static volatile float consumed;

    /** Floats in the chosen vectors. */
    static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(choose()));

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
        for (int i = 0; i < data.length; i++) {
            data[i] = i * 0x9E3779B9 & 0x3F7F3F7F;               // small finite bf16 pairs
        }
        float[] x = new float[PROBE_COLUMNS];
        java.util.Arrays.fill(x, 0.5f);
        double best256 = 0;
        double best512 = 0;
        for (int round = 0; round < PROBE_ROUNDS; round++) {
            long start = System.nanoTime();
            consumed = stream256(data, x);
            long middle = System.nanoTime();
            consumed = stream512(data, x);
            long end = System.nanoTime();
            best256 = Math.max(best256, 4.0 * data.length / (middle - start));
            best512 = Math.max(best512, 4.0 * data.length / (end - middle));
        }
        int bits = best512 > best256 ? 512 : 256;
        LOG.log(System.Logger.Level.INFO, String.format("CPU kernels use %d-bit vectors: measured at start-up, a decode product "
                + "streams %.1f GB/s with 512-bit vectors and %.1f GB/s with 256-bit ones on one core", bits, best512, best256));
        return bits;
    }

    private static float stream256(int[] data, float[] x) {
        float sum = 0;
        int groupInts = PROBE_COLUMNS * I256.length();
        for (int at = 0; at + groupInts <= data.length; at += groupInts) {
            sum += group(data, at, x, F256, I256);
        }
        return sum;
    }

    private static float stream512(int[] data, float[] x) {
        float sum = 0;
        int groupInts = PROBE_COLUMNS * I512.length();
        for (int at = 0; at + groupInts <= data.length; at += groupInts) {
            sum += group(data, at, x, F512, I512);
        }
        return sum;
    }

    /**
     * One group of bf16 row pairs times {@code x}, as {@link Matrix.Bf16}'s decode kernel does it; it
     * is inlined into each caller, where the species are constants, so it compiles to that width.
     */
    private static float group(int[] data, int at, float[] x, VectorSpecies<Float> f, VectorSpecies<Integer> i) {
        FloatVector low = FloatVector.zero(f);
        FloatVector high = low;
        int lanes = i.length();
        for (int k = 0; k < PROBE_COLUMNS; k++) {
            IntVector w = IntVector.fromArray(i, data, at + k * lanes);
            FloatVector v = FloatVector.broadcast(f, x[k]);
            low = w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v, low);
            high = w.and(0xFFFF0000).reinterpretAsFloats().fma(v, high);
        }
        return low.add(high).lane(0);
    }
}
