package dev.vela.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntFunction;

/** Runs a measurement on several threads at once, round after round, and keeps the best rate. */
final class Rounds {

    private Rounds() {
    }

    /**
     * The best of {@code rounds} rates, each {@code work} divided by the seconds all threads took
     * to run their part ({@code part.apply(thread)}, which returns a value so that the JIT keeps
     * its work).
     */
    static double bestRate(int threads, int rounds, double work, IntFunction<Callable<Float>> part) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            double best = 0;
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                List<Future<Float>> parts = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    parts.add(pool.submit(part.apply(t)));
                }
                float sink = 0;
                for (Future<Float> f : parts) {
                    sink += f.get();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                if (sink == 42) {
                    System.out.print("");
                }
                best = Math.max(best, work / seconds);
            }
            return best;
        }
    }
}
