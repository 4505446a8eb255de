package dev.vela.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** This machine's memory read bandwidth, measured by streaming a buffer far larger than the caches. */
final class MemoryBandwidth {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private MemoryBandwidth() {
    }

    /** Best of {@code rounds} full reads of {@code bytes} (a power of two) with {@code threads} threads, in bytes per second. */
    static double measure(long bytes, int threads, int rounds) throws Exception {
        try (Arena arena = Arena.ofShared(); ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            MemorySegment buffer = arena.allocate(bytes, 64);
            buffer.fill((byte) 1);
            double best = 0;
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                List<Future<Float>> parts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    long from = bytes / threads * t;
                    long to = t == threads - 1 ? bytes : bytes / threads * (t + 1);
                    parts.add(pool.submit((Callable<Float>) () -> read(buffer, from, to)));
                }
                float sink = 0;
                for (Future<Float> part : parts) {
                    sink += part.get();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (sink == 42) {
                    System.out.print("");
                }
                best = Math.max(best, bytes / seconds);     // a power of two: the quarters cover it all
            }
            return best;
        }
    }

    /**
     * Reads {@code [from, to)} as four interleaved sequential streams, one vector of each per step:
     * one stream per core leaves bandwidth unused that the decode kernels (several row groups at a
     * time) do reach.
     */
    private static float read(MemorySegment buffer, long from, long to) {
        long step = F.vectorByteSize();
        long quarter = (to - from) / 4 / step * step;
        FloatVector a = FloatVector.zero(F);
        FloatVector b = FloatVector.zero(F);
        FloatVector c = FloatVector.zero(F);
        FloatVector d = FloatVector.zero(F);
        for (long at = from; at < from + quarter; at += step) {
            a = a.add(FloatVector.fromMemorySegment(F, buffer, at, ByteOrder.LITTLE_ENDIAN));
            b = b.add(FloatVector.fromMemorySegment(F, buffer, at + quarter, ByteOrder.LITTLE_ENDIAN));
            c = c.add(FloatVector.fromMemorySegment(F, buffer, at + 2 * quarter, ByteOrder.LITTLE_ENDIAN));
            d = d.add(FloatVector.fromMemorySegment(F, buffer, at + 3 * quarter, ByteOrder.LITTLE_ENDIAN));
        }
        return a.add(b).add(c).add(d).lane(0);
    }
}
