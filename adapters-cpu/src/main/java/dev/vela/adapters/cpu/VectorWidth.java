package dev.vela.adapters.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width every CPU kernel uses, chosen once per process and logged. The widest the CPU
 * has is not always the fastest: on some AVX-512 machines 512-bit vectors stream the weights at
 * half the speed of 256-bit ones. So where the CPU has vectors wider than 256 bits, a short
 * measurement at start-up ({@link VectorWidthProbe}) streams a buffer larger than the caches
 * through a decode product's inner loop at 256 and 512 bits, and the faster wins. It runs in a JVM
 * of its own: vectors of two widths going through the Vector API's shared methods in this process
 * would leave the JIT's profiles of those methods mixed, and kernels compiled afterwards then
 * sometimes run boxed, several times slower. The JVM property {@code vela.cpu.vector-bits}
 * ({@code 128}, {@code 256}, {@code 512}; default {@code auto}) overrides it.
 */
final class VectorWidth {

    private static final System.Logger LOG = System.getLogger("dev.vela.adapters.cpu");
    /** How much faster 512-bit vectors must stream to be chosen. */
    private static final double WIDER_BY = 1.05;
    /** The longest start-up waits for the measurement's JVM (its own budget is about two seconds). */
    private static final long PROBE_TIMEOUT_SECONDS = 30;

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
        String outcome;
        try {
            outcome = measureApart();
        } catch (IOException | RuntimeException e) {
            outcome = "the measurement could not run (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "the measurement was interrupted";
        }
        VectorWidthProbe.Rates rates = VectorWidthProbe.Rates.parse(outcome);
        if (rates == null) {
            LOG.log(System.Logger.Level.INFO, "CPU kernels use 256-bit vectors: " + outcome
                    + "; vela.cpu.vector-bits=512 would set the widest");
            return 256;
        }
        int bits = decide(rates);
        LOG.log(System.Logger.Level.INFO, String.format("CPU kernels use %d-bit vectors: measured at start-up, a decode product "
                + "streams %.1f GB/s with 512-bit vectors and %.1f GB/s with 256-bit ones on one core%s", bits, rates.at512(),
                rates.at256(), plausible(rates) ? "" : " (one width far slower: the JIT had not finished that loop, so the"
                + " measurement is not trusted)"));
        return bits;
    }

    /**
     * 512 bits where they streamed at least {@link #WIDER_BY} faster in a plausible measurement,
     * else 256: where the widths tie (as on CPUs that run 512-bit vectors on full-width units) the
     * narrower costs nothing, and where 512 bits lose (as on CPUs that split them in two) it is the
     * right choice.
     */
    static int decide(VectorWidthProbe.Rates rates) {
        return plausible(rates) && rates.at512() >= WIDER_BY * rates.at256() ? 512 : 256;
    }

    /**
     * Whether neither width streamed at under a third of the other's rate: no CPU's vectors differ
     * that much by width, but a loop still running as the JIT first compiled it, not yet
     * vectorized, does.
     */
    static boolean plausible(VectorWidthProbe.Rates rates) {
        return Math.min(rates.at256(), rates.at512()) * 3 >= Math.max(rates.at256(), rates.at512());
    }

    /** Runs {@link VectorWidthProbe} in a JVM of its own, on this one's class path, and returns what it printed. */
    private static String measureApart() throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-modules=jdk.incubator.vector");
        command.add("-Xmx256m");
        command.add("-XX:+UseSerialGC");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(VectorWidthProbe.class.getName());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!process.waitFor(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                return "the measurement did not end within " + PROBE_TIMEOUT_SECONDS + " s";
            }
            String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return process.exitValue() == 0 ? printed : "the measurement's JVM exited with status " + process.exitValue();
        } finally {
            process.destroyForcibly();
        }
    }
}
