package dev.vela.benchmarks;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/** This machine's memory read bandwidth, measured by streaming a buffer far larger than the caches. */
final class MemoryBandwidth {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private MemoryBandwidth() {
    }

    /** Best of {@code rounds} full reads of {@code bytes} (a power of two) with {@code threads} threads, in bytes per second. */
    static double measure(long bytes, int threads, int rounds) throws Exception {
        try (Arena arena = Arena.ofShared()) {
            MemorySegment buffer = arena.allocate(bytes, 64);
            buffer.fill((byte) 1);
            return Rounds.bestRate(threads, rounds, bytes, t -> {   // a power of two: the parts cover it all
                long from = bytes / threads * t;
                long to = t == threads - 1 ? bytes : bytes / threads * (t + 1);
                return () -> read(buffer, from, to);
            });
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
