package dev.vela.adapters.cpu;

import dev.vela.application.port.out.WeightTensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0 weights ({@link BlockMatrix}): a byte holds a row's quants of columns {@code i} (low
 * nibble) and {@code i + 16} (high nibble) of a block, each {@code q - 8} as a float lane.
 */
final class Q4Matrix extends BlockMatrix {

    private static final int HALF = BLOCK / 2;

    Q4Matrix(WeightTensor tensor, PackedStore store, WorkerPool pool) {
        super(tensor, WeightTensor.Type.Q4_0, store, pool);
    }

    @Override
    WeightTensor.Type packedType() {
        return WeightTensor.Type.Q4_0;
    }

    private ByteVector bytes(long at) {
        return ByteVector.fromMemorySegment(B, packed, at, LE);
    }

    /** The low nibbles of {@code bytes}, less 8, as floats. */
    private static FloatVector lowQuants(ByteVector bytes) {
        return (FloatVector) bytes.and((byte) 0x0F).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0);
    }

    /** The high nibbles of {@code bytes}, less 8, as floats. */
    private static FloatVector highQuants(ByteVector bytes) {
        return (FloatVector) bytes.lanewise(VectorOperators.LSHR, 4).sub((byte) 8).convertShape(VectorOperators.B2F, F, 0);
    }

    @Override
    void oneToken(float[] x, int base, int g, int k0, int k1, float[] sums, int at) {
        long group = g * groupBytes;
        for (int b = k0 / BLOCK; b < k1 / BLOCK; b++) {
            long block = group + b * blockBytes;
            long q = block + quantsAt;
            int k = base + b * BLOCK;
            FloatVector low0 = FloatVector.zero(F);
            FloatVector high0 = low0;
            for (int i = 0; i < HALF; i++) {
                ByteVector lowRows = bytes(q + (long) i * GROUP);
                ByteVector highRows = bytes(q + (long) i * GROUP + L);
                FloatVector lowFirst = lowQuants(lowRows);
                FloatVector highFirst = lowQuants(highRows);
                FloatVector lowSecond = highQuants(lowRows);
                FloatVector highSecond = highQuants(highRows);
                FloatVector first0 = FloatVector.broadcast(F, x[k + i]);
                FloatVector second0 = FloatVector.broadcast(F, x[k + HALF + i]);
                low0 = lowSecond.fma(second0, lowFirst.fma(first0, low0));
                high0 = highSecond.fma(second0, highFirst.fma(first0, high0));
            }
            scaleInto(low0, high0, block, sums, at);
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
            for (int i = 0; i < HALF; i++) {
                ByteVector lowRows = bytes(q + (long) i * GROUP);
                ByteVector highRows = bytes(q + (long) i * GROUP + L);
                FloatVector lowFirst = lowQuants(lowRows);
                FloatVector highFirst = lowQuants(highRows);
                FloatVector lowSecond = highQuants(lowRows);
                FloatVector highSecond = highQuants(highRows);
                FloatVector first0 = FloatVector.broadcast(F, x[k + i]);
                FloatVector second0 = FloatVector.broadcast(F, x[k + HALF + i]);
                low0 = lowSecond.fma(second0, lowFirst.fma(first0, low0));
                high0 = highSecond.fma(second0, highFirst.fma(first0, high0));
                FloatVector first1 = FloatVector.broadcast(F, x[k + stride + i]);
                FloatVector second1 = FloatVector.broadcast(F, x[k + stride + HALF + i]);
                low1 = lowSecond.fma(second1, lowFirst.fma(first1, low1));
                high1 = highSecond.fma(second1, highFirst.fma(first1, high1));
                FloatVector first2 = FloatVector.broadcast(F, x[k + 2 * stride + i]);
                FloatVector second2 = FloatVector.broadcast(F, x[k + 2 * stride + HALF + i]);
                low2 = lowSecond.fma(second2, lowFirst.fma(first2, low2));
                high2 = highSecond.fma(second2, highFirst.fma(first2, high2));
                FloatVector first3 = FloatVector.broadcast(F, x[k + 3 * stride + i]);
                FloatVector second3 = FloatVector.broadcast(F, x[k + 3 * stride + HALF + i]);
                low3 = lowSecond.fma(second3, lowFirst.fma(first3, low3));
                high3 = highSecond.fma(second3, highFirst.fma(first3, high3));
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
            for (int i = 0; i < HALF; i++) {
                ByteVector lowRows = bytes(q + (long) i * GROUP);
                ByteVector highRows = bytes(q + (long) i * GROUP + L);
                FloatVector lowFirst = lowQuants(lowRows);
                FloatVector highFirst = lowQuants(highRows);
                FloatVector lowSecond = highQuants(lowRows);
                FloatVector highSecond = highQuants(highRows);
                FloatVector first0 = FloatVector.broadcast(F, x[k + i]);
                FloatVector second0 = FloatVector.broadcast(F, x[k + HALF + i]);
                low0 = lowSecond.fma(second0, lowFirst.fma(first0, low0));
                high0 = highSecond.fma(second0, highFirst.fma(first0, high0));
                FloatVector first1 = FloatVector.broadcast(F, x[k + stride + i]);
                FloatVector second1 = FloatVector.broadcast(F, x[k + stride + HALF + i]);
                low1 = lowSecond.fma(second1, lowFirst.fma(first1, low1));
                high1 = highSecond.fma(second1, highFirst.fma(first1, high1));
                FloatVector first2 = FloatVector.broadcast(F, x[k + 2 * stride + i]);
                FloatVector second2 = FloatVector.broadcast(F, x[k + 2 * stride + HALF + i]);
                low2 = lowSecond.fma(second2, lowFirst.fma(first2, low2));
                high2 = highSecond.fma(second2, highFirst.fma(first2, high2));
                FloatVector first3 = FloatVector.broadcast(F, x[k + 3 * stride + i]);
                FloatVector second3 = FloatVector.broadcast(F, x[k + 3 * stride + HALF + i]);
                low3 = lowSecond.fma(second3, lowFirst.fma(first3, low3));
                high3 = highSecond.fma(second3, highFirst.fma(first3, high3));
                FloatVector first4 = FloatVector.broadcast(F, x[k + 4 * stride + i]);
                FloatVector second4 = FloatVector.broadcast(F, x[k + 4 * stride + HALF + i]);
                low4 = lowSecond.fma(second4, lowFirst.fma(first4, low4));
                high4 = highSecond.fma(second4, highFirst.fma(first4, high4));
                FloatVector first5 = FloatVector.broadcast(F, x[k + 5 * stride + i]);
                FloatVector second5 = FloatVector.broadcast(F, x[k + 5 * stride + HALF + i]);
                low5 = lowSecond.fma(second5, lowFirst.fma(first5, low5));
                high5 = highSecond.fma(second5, highFirst.fma(first5, high5));
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
            for (int i = 0; i < HALF; i++) {
                FloatVector first = FloatVector.broadcast(F, x[k + i]);
                FloatVector second = FloatVector.broadcast(F, x[k + HALF + i]);
                long at = q + (long) i * GROUP;
                ByteVector lowRows0 = bytes(at);
                ByteVector highRows0 = bytes(at + L);
                low0 = highQuants(lowRows0).fma(second, lowQuants(lowRows0).fma(first, low0));
                high0 = highQuants(highRows0).fma(second, lowQuants(highRows0).fma(first, high0));
                ByteVector lowRows1 = bytes(at + groupBytes);
                ByteVector highRows1 = bytes(at + groupBytes + L);
                low1 = highQuants(lowRows1).fma(second, lowQuants(lowRows1).fma(first, low1));
                high1 = highQuants(highRows1).fma(second, lowQuants(highRows1).fma(first, high1));
                ByteVector lowRows2 = bytes(at + 2 * groupBytes);
                ByteVector highRows2 = bytes(at + 2 * groupBytes + L);
                low2 = highQuants(lowRows2).fma(second, lowQuants(lowRows2).fma(first, low2));
                high2 = highQuants(highRows2).fma(second, lowQuants(highRows2).fma(first, high2));
                ByteVector lowRows3 = bytes(at + 3 * groupBytes);
                ByteVector highRows3 = bytes(at + 3 * groupBytes + L);
                low3 = highQuants(lowRows3).fma(second, lowQuants(lowRows3).fma(first, low3));
                high3 = highQuants(highRows3).fma(second, lowQuants(highRows3).fma(first, high3));
            }
            scaleInto(low0, high0, g0 + block, sums, 0);
            scaleInto(low1, high1, g0 + groupBytes + block, sums, GROUP);
            scaleInto(low2, high2, g0 + 2 * groupBytes + block, sums, 2 * GROUP);
            scaleInto(low3, high3, g0 + 3 * groupBytes + block, sums, 3 * GROUP);
        }
    }
}
