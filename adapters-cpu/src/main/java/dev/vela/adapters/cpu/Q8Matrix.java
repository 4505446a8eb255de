package dev.vela.adapters.cpu;

import dev.vela.application.port.out.WeightTensor;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q8_0 weights ({@link BlockMatrix}): a block holds, column after column, the group's rows' quants
 * as signed bytes, so one load of {@link #L} bytes sign-extended to floats gives {@code L} rows'
 * weights of one column.
 */
final class Q8Matrix extends BlockMatrix {

    Q8Matrix(WeightTensor tensor, PackedStore store, WorkerPool pool) {
        super(tensor, WeightTensor.Type.Q8_0, store, pool);
    }

    /** Column by column: the group's rows' bytes of column {@code i} in row order. */
    @Override
    long quantAt(int lane, int i) {
        return 2L * GROUP + (long) i * GROUP + lane;
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
            for (int i = 0; i < BLOCK; i++) {
                long column = q + (long) i * GROUP;
                FloatVector lowQuants = (FloatVector) ByteVector.fromMemorySegment(B, packed, column, LE).convertShape(VectorOperators.B2F, F, 0);
                FloatVector highQuants = (FloatVector) ByteVector.fromMemorySegment(B, packed, column + L, LE).convertShape(VectorOperators.B2F, F, 0);
                FloatVector v0 = FloatVector.broadcast(F, x[k + i]);
                low0 = lowQuants.fma(v0, low0);
                high0 = highQuants.fma(v0, high0);
            }
            IntVector halves = IntVector.fromMemorySegment(I, packed, block, LE);
            IntVector upper = halves.lanewise(VectorOperators.LSHR, 16);
            FloatVector lowScales = halves.and(0x8000).lanewise(VectorOperators.LSHL, 16)
                    .or(halves.and(0x7FFF).lanewise(VectorOperators.LSHL, 13)).reinterpretAsFloats().mul(HALF_TO_FLOAT);
            FloatVector highScales = upper.and(0x8000).lanewise(VectorOperators.LSHL, 16)
                    .or(upper.and(0x7FFF).lanewise(VectorOperators.LSHL, 13)).reinterpretAsFloats().mul(HALF_TO_FLOAT);
            low0.fma(lowScales, FloatVector.fromArray(F, sums, at)).intoArray(sums, at);
            high0.fma(highScales, FloatVector.fromArray(F, sums, at + L)).intoArray(sums, at + L);
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
            for (int i = 0; i < BLOCK; i++) {
                long column = q + (long) i * GROUP;
                FloatVector lowQuants = (FloatVector) ByteVector.fromMemorySegment(B, packed, column, LE).convertShape(VectorOperators.B2F, F, 0);
                FloatVector highQuants = (FloatVector) ByteVector.fromMemorySegment(B, packed, column + L, LE).convertShape(VectorOperators.B2F, F, 0);
                FloatVector v0 = FloatVector.broadcast(F, x[k + i]);
                low0 = lowQuants.fma(v0, low0);
                high0 = highQuants.fma(v0, high0);
                FloatVector v1 = FloatVector.broadcast(F, x[k + stride + i]);
                low1 = lowQuants.fma(v1, low1);
                high1 = highQuants.fma(v1, high1);
                FloatVector v2 = FloatVector.broadcast(F, x[k + 2 * stride + i]);
                low2 = lowQuants.fma(v2, low2);
                high2 = highQuants.fma(v2, high2);
                FloatVector v3 = FloatVector.broadcast(F, x[k + 3 * stride + i]);
                low3 = lowQuants.fma(v3, low3);
                high3 = highQuants.fma(v3, high3);
            }
            IntVector halves = IntVector.fromMemorySegment(I, packed, block, LE);
            IntVector upper = halves.lanewise(VectorOperators.LSHR, 16);
            FloatVector lowScales = halves.and(0x8000).lanewise(VectorOperators.LSHL, 16)
                    .or(halves.and(0x7FFF).lanewise(VectorOperators.LSHL, 13)).reinterpretAsFloats().mul(HALF_TO_FLOAT);
            FloatVector highScales = upper.and(0x8000).lanewise(VectorOperators.LSHL, 16)
                    .or(upper.and(0x7FFF).lanewise(VectorOperators.LSHL, 13)).reinterpretAsFloats().mul(HALF_TO_FLOAT);
            low0.fma(lowScales, FloatVector.fromArray(F, sums, at)).intoArray(sums, at);
            high0.fma(highScales, FloatVector.fromArray(F, sums, at + L)).intoArray(sums, at + L);
            low1.fma(lowScales, FloatVector.fromArray(F, sums, at + GROUP)).intoArray(sums, at + GROUP);
            high1.fma(highScales, FloatVector.fromArray(F, sums, at + GROUP + L)).intoArray(sums, at + GROUP + L);
            low2.fma(lowScales, FloatVector.fromArray(F, sums, at + 2 * GROUP)).intoArray(sums, at + 2 * GROUP);
            high2.fma(highScales, FloatVector.fromArray(F, sums, at + 2 * GROUP + L)).intoArray(sums, at + 2 * GROUP + L);
            low3.fma(lowScales, FloatVector.fromArray(F, sums, at + 3 * GROUP)).intoArray(sums, at + 3 * GROUP);
            high3.fma(highScales, FloatVector.fromArray(F, sums, at + 3 * GROUP + L)).intoArray(sums, at + 3 * GROUP + L);
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
            for (int i = 0; i < BLOCK; i++) {
                long column = q + (long) i * GROUP;
                FloatVector lowQuants = (FloatVector) ByteVector.fromMemorySegment(B, packed, column, LE).convertShape(VectorOperators.B2F, F, 0);
                FloatVector highQuants = (FloatVector) ByteVector.fromMemorySegment(B, packed, column + L, LE).convertShape(VectorOperators.B2F, F, 0);
                FloatVector v0 = FloatVector.broadcast(F, x[k + i]);
                low0 = lowQuants.fma(v0, low0);
                high0 = highQuants.fma(v0, high0);
                FloatVector v1 = FloatVector.broadcast(F, x[k + stride + i]);
                low1 = lowQuants.fma(v1, low1);
                high1 = highQuants.fma(v1, high1);
                FloatVector v2 = FloatVector.broadcast(F, x[k + 2 * stride + i]);
                low2 = lowQuants.fma(v2, low2);
                high2 = highQuants.fma(v2, high2);
                FloatVector v3 = FloatVector.broadcast(F, x[k + 3 * stride + i]);
                low3 = lowQuants.fma(v3, low3);
                high3 = highQuants.fma(v3, high3);
                FloatVector v4 = FloatVector.broadcast(F, x[k + 4 * stride + i]);
                low4 = lowQuants.fma(v4, low4);
                high4 = highQuants.fma(v4, high4);
                FloatVector v5 = FloatVector.broadcast(F, x[k + 5 * stride + i]);
                low5 = lowQuants.fma(v5, low5);
                high5 = highQuants.fma(v5, high5);
            }
            IntVector halves = IntVector.fromMemorySegment(I, packed, block, LE);
            IntVector upper = halves.lanewise(VectorOperators.LSHR, 16);
            FloatVector lowScales = halves.and(0x8000).lanewise(VectorOperators.LSHL, 16)
                    .or(halves.and(0x7FFF).lanewise(VectorOperators.LSHL, 13)).reinterpretAsFloats().mul(HALF_TO_FLOAT);
            FloatVector highScales = upper.and(0x8000).lanewise(VectorOperators.LSHL, 16)
                    .or(upper.and(0x7FFF).lanewise(VectorOperators.LSHL, 13)).reinterpretAsFloats().mul(HALF_TO_FLOAT);
            low0.fma(lowScales, FloatVector.fromArray(F, sums, at)).intoArray(sums, at);
            high0.fma(highScales, FloatVector.fromArray(F, sums, at + L)).intoArray(sums, at + L);
            low1.fma(lowScales, FloatVector.fromArray(F, sums, at + GROUP)).intoArray(sums, at + GROUP);
            high1.fma(highScales, FloatVector.fromArray(F, sums, at + GROUP + L)).intoArray(sums, at + GROUP + L);
            low2.fma(lowScales, FloatVector.fromArray(F, sums, at + 2 * GROUP)).intoArray(sums, at + 2 * GROUP);
            high2.fma(highScales, FloatVector.fromArray(F, sums, at + 2 * GROUP + L)).intoArray(sums, at + 2 * GROUP + L);
            low3.fma(lowScales, FloatVector.fromArray(F, sums, at + 3 * GROUP)).intoArray(sums, at + 3 * GROUP);
            high3.fma(highScales, FloatVector.fromArray(F, sums, at + 3 * GROUP + L)).intoArray(sums, at + 3 * GROUP + L);
            low4.fma(lowScales, FloatVector.fromArray(F, sums, at + 4 * GROUP)).intoArray(sums, at + 4 * GROUP);
            high4.fma(highScales, FloatVector.fromArray(F, sums, at + 4 * GROUP + L)).intoArray(sums, at + 4 * GROUP + L);
            low5.fma(lowScales, FloatVector.fromArray(F, sums, at + 5 * GROUP)).intoArray(sums, at + 5 * GROUP);
            high5.fma(highScales, FloatVector.fromArray(F, sums, at + 5 * GROUP + L)).intoArray(sums, at + 5 * GROUP + L);
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
            for (int i = 0; i < BLOCK; i++) {
                long column = q + (long) i * GROUP;
                FloatVector v = FloatVector.broadcast(F, x[k + i]);
                low0 = ((FloatVector) ByteVector.fromMemorySegment(B, packed, column, LE).convertShape(VectorOperators.B2F, F, 0)).fma(v, low0);
                high0 = ((FloatVector) ByteVector.fromMemorySegment(B, packed, column + L, LE).convertShape(VectorOperators.B2F, F, 0)).fma(v, high0);
                low1 = ((FloatVector) ByteVector.fromMemorySegment(B, packed, column + groupBytes, LE).convertShape(VectorOperators.B2F, F, 0)).fma(v, low1);
                high1 = ((FloatVector) ByteVector.fromMemorySegment(B, packed, column + groupBytes + L, LE).convertShape(VectorOperators.B2F, F, 0)).fma(v, high1);
                low2 = ((FloatVector) ByteVector.fromMemorySegment(B, packed, column + 2 * groupBytes, LE).convertShape(VectorOperators.B2F, F, 0)).fma(v, low2);
                high2 = ((FloatVector) ByteVector.fromMemorySegment(B, packed, column + 2 * groupBytes + L, LE).convertShape(VectorOperators.B2F, F, 0)).fma(v, high2);
                low3 = ((FloatVector) ByteVector.fromMemorySegment(B, packed, column + 3 * groupBytes, LE).convertShape(VectorOperators.B2F, F, 0)).fma(v, low3);
                high3 = ((FloatVector) ByteVector.fromMemorySegment(B, packed, column + 3 * groupBytes + L, LE).convertShape(VectorOperators.B2F, F, 0)).fma(v, high3);
            }
            IntVector halves0 = IntVector.fromMemorySegment(I, packed, g0 + block, LE);
            IntVector upper0 = halves0.lanewise(VectorOperators.LSHR, 16);
            low0.fma(halves0.and(0x8000).lanewise(VectorOperators.LSHL, 16).or(halves0.and(0x7FFF).lanewise(VectorOperators.LSHL, 13))
                    .reinterpretAsFloats().mul(HALF_TO_FLOAT), FloatVector.fromArray(F, sums, 0)).intoArray(sums, 0);
            high0.fma(upper0.and(0x8000).lanewise(VectorOperators.LSHL, 16).or(upper0.and(0x7FFF).lanewise(VectorOperators.LSHL, 13))
                    .reinterpretAsFloats().mul(HALF_TO_FLOAT), FloatVector.fromArray(F, sums, 0 + L)).intoArray(sums, 0 + L);
            IntVector halves1 = IntVector.fromMemorySegment(I, packed, g0 + groupBytes + block, LE);
            IntVector upper1 = halves1.lanewise(VectorOperators.LSHR, 16);
            low1.fma(halves1.and(0x8000).lanewise(VectorOperators.LSHL, 16).or(halves1.and(0x7FFF).lanewise(VectorOperators.LSHL, 13))
                    .reinterpretAsFloats().mul(HALF_TO_FLOAT), FloatVector.fromArray(F, sums, GROUP)).intoArray(sums, GROUP);
            high1.fma(upper1.and(0x8000).lanewise(VectorOperators.LSHL, 16).or(upper1.and(0x7FFF).lanewise(VectorOperators.LSHL, 13))
                    .reinterpretAsFloats().mul(HALF_TO_FLOAT), FloatVector.fromArray(F, sums, GROUP + L)).intoArray(sums, GROUP + L);
            IntVector halves2 = IntVector.fromMemorySegment(I, packed, g0 + 2 * groupBytes + block, LE);
            IntVector upper2 = halves2.lanewise(VectorOperators.LSHR, 16);
            low2.fma(halves2.and(0x8000).lanewise(VectorOperators.LSHL, 16).or(halves2.and(0x7FFF).lanewise(VectorOperators.LSHL, 13))
                    .reinterpretAsFloats().mul(HALF_TO_FLOAT), FloatVector.fromArray(F, sums, 2 * GROUP)).intoArray(sums, 2 * GROUP);
            high2.fma(upper2.and(0x8000).lanewise(VectorOperators.LSHL, 16).or(upper2.and(0x7FFF).lanewise(VectorOperators.LSHL, 13))
                    .reinterpretAsFloats().mul(HALF_TO_FLOAT), FloatVector.fromArray(F, sums, 2 * GROUP + L)).intoArray(sums, 2 * GROUP + L);
            IntVector halves3 = IntVector.fromMemorySegment(I, packed, g0 + 3 * groupBytes + block, LE);
            IntVector upper3 = halves3.lanewise(VectorOperators.LSHR, 16);
            low3.fma(halves3.and(0x8000).lanewise(VectorOperators.LSHL, 16).or(halves3.and(0x7FFF).lanewise(VectorOperators.LSHL, 13))
                    .reinterpretAsFloats().mul(HALF_TO_FLOAT), FloatVector.fromArray(F, sums, 3 * GROUP)).intoArray(sums, 3 * GROUP);
            high3.fma(upper3.and(0x8000).lanewise(VectorOperators.LSHL, 16).or(upper3.and(0x7FFF).lanewise(VectorOperators.LSHL, 13))
                    .reinterpretAsFloats().mul(HALF_TO_FLOAT), FloatVector.fromArray(F, sums, 3 * GROUP + L)).intoArray(sums, 3 * GROUP + L);
        }
    }
}
