package dev.vela.adapters.cpu;

import java.util.List;

/**
 * Matrices with the same columns used as one taller matrix (q, k and v; gate and up): one product
 * over the same activations computes them all in one parallel region, without copying weights.
 */
final class StackedMatrices {

    private final List<Matrix> parts;
    private final int[] firstRow;
    final int rows;

    StackedMatrices(Matrix... parts) {
        this.parts = List.of(parts);
        this.firstRow = new int[parts.length + 1];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].cols != parts[0].cols || parts[i].bf16() != parts[0].bf16()) {
                throw new IllegalArgumentException(parts[i].name + " does not stack with " + parts[0].name);
            }
            firstRow[i + 1] = firstRow[i] + parts[i].rows;
        }
        this.rows = firstRow[parts.length];
    }

    boolean bf16() {
        return parts.getFirst().bf16();
    }

    long bytes() {
        long bytes = 0;
        for (Matrix part : parts) {
            bytes += part.bytes();
        }
        return bytes;
    }

    /** Rows {@code [from, to)} of the stack, written at their stacked column in {@code out}. */
    void multiply(Activations x, int tokens, float[] out, int outStride, int from, int to) {
        for (int i = 0; i < parts.size(); i++) {
            int lo = Math.max(from, firstRow[i]);
            int hi = Math.min(to, firstRow[i + 1]);
            if (lo < hi) {
                parts.get(i).multiply(x, tokens, out, outStride, firstRow[i], lo - firstRow[i], hi - firstRow[i]);
            }
        }
    }
}
