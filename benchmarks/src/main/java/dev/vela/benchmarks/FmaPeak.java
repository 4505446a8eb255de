package dev.vela.benchmarks;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * This machine's peak rate of float32 fused multiply-adds, measured: every thread runs ten
 * independent vector FMA chains (enough to cover the FMA latency) on values held in registers.
 * No product of the forward pass can do better, so it bounds what a batched decode step can reach.
 */
final class FmaPeak {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int ITERATIONS = 100_000_000;

    private FmaPeak() {
    }

    /** Best of {@code rounds} runs on {@code threads} threads, in FLOP per second (an FMA is two). */
    static double measure(int threads, int rounds) throws Exception {
        for (int i = 0; i < 20; i++) {
            chains(ITERATIONS / 100);                   // compiled (by C2: C1 code runs the Vector API's slow fallback) before timing
        }
        double flops = 2.0 * 10 * F.length() * (double) ITERATIONS * threads;
        return Rounds.bestRate(threads, rounds, flops, t -> () -> chains(ITERATIONS));
    }

    private static float chains(int iterations) {
        FloatVector m = FloatVector.broadcast(F, 0.999999f);
        FloatVector c = FloatVector.broadcast(F, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(F, 1f);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        FloatVector a4 = a0;
        FloatVector a5 = a0;
        FloatVector a6 = a0;
        FloatVector a7 = a0;
        FloatVector a8 = a0;
        FloatVector a9 = a0;
        for (int i = 0; i < iterations; i++) {
            a0 = a0.fma(m, c);
            a1 = a1.fma(m, c);
            a2 = a2.fma(m, c);
            a3 = a3.fma(m, c);
            a4 = a4.fma(m, c);
            a5 = a5.fma(m, c);
            a6 = a6.fma(m, c);
            a7 = a7.fma(m, c);
            a8 = a8.fma(m, c);
            a9 = a9.fma(m, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).lane(0);
    }
}
