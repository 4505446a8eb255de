package dev.vela.adapters.cpu;

import java.util.List;

/**
 * Matrices with the same columns used as one taller matrix (q, k and v; gate and up): one product
 * over the same activations computes them all in one parallel region. Work is shared out by
 * groups of rows of the packed layout ({@link Matrix#GROUP}).
 */
final class StackedMatrices {

    private final List<Matrix> parts;
    private final int[] firstGroup;
    private final int[] firstRow;
    final int rows;
    final int groups;

    StackedMatrices(Matrix... parts) {
        this.parts = List.of(parts);
        this.firstGroup = new int[parts.length + 1];
        this.firstRow = new int[parts.length + 1];
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].cols != parts[0].cols) {
                throw new IllegalArgumentException(parts[i].name + " does not stack with " + parts[0].name);
            }
            firstGroup[i + 1] = firstGroup[i] + parts[i].groups;
            firstRow[i + 1] = firstRow[i] + parts[i].rows;
        }
        this.rows = firstRow[parts.length];
        this.groups = firstGroup[parts.length];
    }

    Matrix first() {
        return parts.getFirst();
    }

    int cols() {
        return parts.getFirst().cols;
    }

    /** Where a share of the stack's groups should start ({@link Matrix#alignment}). */
    int alignment(int tokens) {
        return parts.getFirst().alignment(tokens);
    }

    long bytes() {
        long bytes = 0;
        for (Matrix part : parts) {
            bytes += part.bytes();
        }
        return bytes;
    }

    /** The rows of groups {@code [from, to)} of the stack, each part's written at its stacked column in {@code out}. */
    void multiply(float[] x, int tokens, float[] out, int outStride, int from, int to) {
        for (int i = 0; i < parts.size(); i++) {
            int lo = Math.max(from, firstGroup[i]);
            int hi = Math.min(to, firstGroup[i + 1]);
            if (lo < hi) {
                parts.get(i).multiply(x, cols(), tokens, out, outStride, firstRow[i], lo - firstGroup[i], hi - firstGroup[i]);
            }
        }
    }
}
