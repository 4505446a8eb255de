package dev.vela.adapters.cpu;

import java.util.List;

/**
 * Measurements of a {@link PanamaModelRunner}'s matrix products alone, on its own weights and
 * kernels, for benchmarks that compare a step's speed with what its products allow. They run on
 * the runner's worker pool or the calling thread with activations of their own: not while serving.
 */
public final class ProductProbes {

    private final List<StackedMatrices> matrices;
    private final WorkerPool pool;
    private final long flopsPerToken;

    private ProductProbes(List<StackedMatrices> matrices, WorkerPool pool, long flopsPerToken) {
        this.matrices = matrices;
        this.pool = pool;
        this.flopsPerToken = flopsPerToken;
    }

    /** Probes of {@code runner}'s products; they use its pool, so not while it runs a step. */
    public static ProductProbes of(PanamaModelRunner runner) {
        return new ProductProbes(runner.weights().matrices(), runner.pool(), runner.flopsPerToken());
    }

    /**
     * The rate of the runner's matrix products alone, in FLOP per second: every matrix a token goes
     * through ({@link PanamaModelRunner#flopsPerToken}), over {@code tokens} tokens of fixed
     * activations, on the runner's pool, {@code repeats} times (after one untimed pass). No step can
     * run its products faster than this, so {@code rate / flopsPerToken()} bounds the tokens per
     * second of a step of {@code tokens} sequences however little else it does.
     */
    public double productRate(int tokens, int repeats) {
        List<StackedMatrices> all = matrices;
        float[] x = benchmarkActivations(all, tokens);
        float[] out = new float[tokens * all.stream().mapToInt(matrix -> matrix.rows).max().orElse(0)];
        long start = 0;
        for (int pass = 0; pass <= repeats; pass++) {
            if (pass == 1) {
                start = System.nanoTime();
            }
            for (StackedMatrices matrix : all) {
                int rows = matrix.rows;
                pool.run(matrix.groups, matrix.alignment(tokens), (from, to) -> matrix.multiply(x, tokens, out, rows, from, to));
            }
        }
        return (double) flopsPerToken * tokens * repeats / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * The same kernels on weights that stay in the core's cache, in FLOP per second on the calling
     * thread alone: each matrix's first block of a batched product (what a step reads from memory
     * once and then goes over once per tile of tokens), {@code repeats} times in a row. Beside
     * {@link #productRate} per core, the difference is what fetching the weights from memory costs
     * the products.
     */
    public double residentProductRate(int tokens, int repeats) {
        List<StackedMatrices> all = matrices;
        float[] x = benchmarkActivations(all, tokens);
        float[] out = new float[tokens * all.stream().mapToInt(matrix -> matrix.rows).max().orElse(0)];
        long nanos = 0;
        double flops = 0;
        for (StackedMatrices matrix : all) {
            int groups = Math.min(matrix.groups, matrix.alignment(tokens));
            matrix.multiply(x, tokens, out, matrix.rows, 0, groups);          // brought into the cache, untimed
            long start = System.nanoTime();
            for (int r = 0; r < repeats; r++) {
                matrix.multiply(x, tokens, out, matrix.rows, 0, groups);
            }
            nanos += System.nanoTime() - start;
            flops += 2.0 * Math.min(matrix.rows, groups * Matrix.GROUP) * matrix.cols() * tokens * repeats;
        }
        return flops / (nanos / 1e9);
    }

    /** Fixed activations in [-1, 1] for {@code tokens} tokens as wide as the widest of {@code matrices}. */
    private static float[] benchmarkActivations(List<StackedMatrices> matrices, int tokens) {
        float[] x = new float[tokens * matrices.stream().mapToInt(StackedMatrices::cols).max().orElse(0)];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 7919) % 2001 - 1000) / 1000f;
        }
        return x;
    }
}
