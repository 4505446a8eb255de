package dev.vela.adapters.cpu;

import dev.vela.application.port.out.WeightTensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/** Q8_0 weights ({@link BlockMatrix}): a quant is a signed byte, widened to a float lane by lane. */
final class Q8Matrix extends BlockMatrix {

    Q8Matrix(WeightTensor tensor, PackedStore store, WorkerPool pool) {
        super(tensor, WeightTensor.Type.Q8_0, store, pool);
    }

    @Override
    WeightTensor.Type packedType() {
        return WeightTensor.Type.Q8_0;
    }

    /** The {@link #L} rows' quants at {@code at} as floats. */
    private FloatVector quants(long at) {
        return (FloatVector) ByteVector.fromMemorySegment(B, packed, at, LE).convertShape(VectorOperators.B2F, F, 0);
    }

    @Override
    void oneToken(float[] x, int base, int g, int k0, int k1, float[] sums, int at) {
        long group = g * groupBytes;
        for (int b = k0 / BLOCK; b < k1 / BLOCK; b++) {
            long block = group + b * blockBytes;
            long q = block + quantsAt;
            int k = base + b * BLOCK;
            FloatVector low = FloatVector.zero(F);
            FloatVector high = low;
            for (int j = 0; j < BLOCK; j++) {
                FloatVector v = FloatVector.broadcast(F, x[k + j]);
                low = quants(q + (long) j * GROUP).fma(v, low);
                high = quants(q + (long) j * GROUP + L).fma(v, high);
            }
            scaleInto(low, high, block, sums, at);
        }
    }

    @Override
    void fourTokens(float[] x, int base, int stride, int g, int k0, int k1, float[] sums, int at) {
        long group = g * groupBytes;
        for (int b = k0 / BLOCK; b < k1 / BLOCK; b++) {
            long block = group + b * blockBytes;
            long q = block + quantsAt;
            int k = base + b * BLOCK;
            FloatVector low0 = FloatVector.zero(F);
            FloatVector high0 = low0;
            FloatVector low1 = low0;
            FloatVector high1 = low0;
            FloatVector low2 = low0;
            FloatVector high2 = low0;
            FloatVector low3 = low0;
            FloatVector high3 = low0;
            for (int j = 0; j < BLOCK; j++) {
                FloatVector low = quants(q + (long) j * GROUP);
                FloatVector high = quants(q + (long) j * GROUP + L);
                FloatVector v0 = FloatVector.broadcast(F, x[k + j]);
                low0 = low.fma(v0, low0);
                high0 = high.fma(v0, high0);
                FloatVector v1 = FloatVector.broadcast(F, x[k + stride + j]);
                low1 = low.fma(v1, low1);
                high1 = high.fma(v1, high1);
                FloatVector v2 = FloatVector.broadcast(F, x[k + 2 * stride + j]);
                low2 = low.fma(v2, low2);
                high2 = high.fma(v2, high2);
                FloatVector v3 = FloatVector.broadcast(F, x[k + 3 * stride + j]);
                low3 = low.fma(v3, low3);
                high3 = high.fma(v3, high3);
            }
            scaleInto(low0, high0, block, sums, at);
            scaleInto(low1, high1, block, sums, at + GROUP);
            scaleInto(low2, high2, block, sums, at + 2 * GROUP);
            scaleInto(low3, high3, block, sums, at + 3 * GROUP);
        }
    }

    @Override
    void sixTokens(float[] x, int base, int stride, int g, int k0, int k1, float[] sums, int at) {
        long group = g * groupBytes;
        for (int b = k0 / BLOCK; b < k1 / BLOCK; b++) {
            long block = group + b * blockBytes;
            long q = block + quantsAt;
            int k = base + b * BLOCK;
            FloatVector low0 = FloatVector.zero(F);
            FloatVector high0 = low0;
            FloatVector low1 = low0;
            FloatVector high1 = low0;
            FloatVector low2 = low0;
            FloatVector high2 = low0;
            FloatVector low3 = low0;
            FloatVector high3 = low0;
            FloatVector low4 = low0;
            FloatVector high4 = low0;
            FloatVector low5 = low0;
            FloatVector high5 = low0;
            for (int j = 0; j < BLOCK; j++) {
                FloatVector low = quants(q + (long) j * GROUP);
                FloatVector high = quants(q + (long) j * GROUP + L);
                FloatVector v0 = FloatVector.broadcast(F, x[k + j]);
                low0 = low.fma(v0, low0);
                high0 = high.fma(v0, high0);
                FloatVector v1 = FloatVector.broadcast(F, x[k + stride + j]);
                low1 = low.fma(v1, low1);
                high1 = high.fma(v1, high1);
                FloatVector v2 = FloatVector.broadcast(F, x[k + 2 * stride + j]);
                low2 = low.fma(v2, low2);
                high2 = high.fma(v2, high2);
                FloatVector v3 = FloatVector.broadcast(F, x[k + 3 * stride + j]);
                low3 = low.fma(v3, low3);
                high3 = high.fma(v3, high3);
                FloatVector v4 = FloatVector.broadcast(F, x[k + 4 * stride + j]);
                low4 = low.fma(v4, low4);
                high4 = high.fma(v4, high4);
                FloatVector v5 = FloatVector.broadcast(F, x[k + 5 * stride + j]);
                low5 = low.fma(v5, low5);
                high5 = high.fma(v5, high5);
            }
            scaleInto(low0, high0, block, sums, at);
            scaleInto(low1, high1, block, sums, at + GROUP);
            scaleInto(low2, high2, block, sums, at + 2 * GROUP);
            scaleInto(low3, high3, block, sums, at + 3 * GROUP);
            scaleInto(low4, high4, block, sums, at + 4 * GROUP);
            scaleInto(low5, high5, block, sums, at + 5 * GROUP);
        }
    }

    @Override
    void fourGroupsOneToken(float[] x, int g, float[] sums) {
        java.util.Arrays.fill(sums, 0, 4 * GROUP, 0f);
        long g0 = g * groupBytes;
        for (int b = 0; b < cols / BLOCK; b++) {
            long block = b * blockBytes;
            long q = g0 + block + quantsAt;
            int k = b * BLOCK;
            FloatVector low0 = FloatVector.zero(F);
            FloatVector high0 = low0;
            FloatVector low1 = low0;
            FloatVector high1 = low0;
            FloatVector low2 = low0;
            FloatVector high2 = low0;
            FloatVector low3 = low0;
            FloatVector high3 = low0;
            for (int j = 0; j < BLOCK; j++) {
                FloatVector v = FloatVector.broadcast(F, x[k + j]);
                long at = q + (long) j * GROUP;
                low0 = quants(at).fma(v, low0);
                high0 = quants(at + L).fma(v, high0);
                low1 = quants(at + groupBytes).fma(v, low1);
                high1 = quants(at + groupBytes + L).fma(v, high1);
                low2 = quants(at + 2 * groupBytes).fma(v, low2);
                high2 = quants(at + 2 * groupBytes + L).fma(v, high2);
                low3 = quants(at + 3 * groupBytes).fma(v, low3);
                high3 = quants(at + 3 * groupBytes + L).fma(v, high3);
            }
            scaleInto(low0, high0, g0 + block, sums, 0);
            scaleInto(low1, high1, g0 + groupBytes + block, sums, GROUP);
            scaleInto(low2, high2, g0 + 2 * groupBytes + block, sums, 2 * GROUP);
            scaleInto(low3, high3, g0 + 3 * groupBytes + block, sums, 3 * GROUP);
        }
    }
}
