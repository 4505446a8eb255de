package dev.vela.adapters.cpu;

import dev.vela.application.port.out.WeightTensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Q4_0 weights ({@link BlockMatrix}): a byte holds a row's quants of columns {@code i} (low
 * nibble) and {@code i + 16} (high nibble) of a block, each widened to {@code q - 8} as a float in
 * its int lane.
 */
final class Q4Matrix extends BlockMatrix {

    private static final int HALF = BLOCK / 2;
    /** 2^23: an int {@code u < 2^23} with this float's bits set is the float {@code 2^23 + u}. */
    private static final int MAGIC = 0x4B000000;
    /** 2^23 + 8: the float of a nibble under {@link #MAGIC}'s bits, less {@code q - 8}. */
    private static final float OFFSET = 8388608f + 8f;

    Q4Matrix(WeightTensor tensor, PackedStore store, WorkerPool pool) {
        super(tensor, WeightTensor.Type.Q4_0, store, pool);
    }

    /**
     * Each four bytes of a row are one int, and the group's ints of bytes {@code [4c, 4c + 4)} are
     * two vectors, the first {@link #L} rows' then the last {@code L} rows'.
     */
    @Override
    long quantAt(int lane, int i) {
        return 2L * GROUP + ((long) (i / 4 * 2 + lane / L) * L + lane % L) * 4 + i % 4;
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
            for (int c = 0; c < 4; c++) {
                long at4 = q + c * 8L * L;
                IntVector lowRows = IntVector.fromMemorySegment(I, packed, at4, LE);
                IntVector highRows = IntVector.fromMemorySegment(I, packed, at4 + 4L * L, LE);
                for (int j = 0; j < 4; j++) {
                    FloatVector lowFirst = lowRows.lanewise(VectorOperators.LSHR, 8 * j).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                    FloatVector highFirst = highRows.lanewise(VectorOperators.LSHR, 8 * j).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                    FloatVector lowSecond = lowRows.lanewise(VectorOperators.LSHR, 8 * j + 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                    FloatVector highSecond = highRows.lanewise(VectorOperators.LSHR, 8 * j + 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                    FloatVector first0 = FloatVector.broadcast(F, x[k + 4 * c + j]);
                    FloatVector second0 = FloatVector.broadcast(F, x[k + HALF + 4 * c + j]);
                    low0 = lowSecond.fma(second0, lowFirst.fma(first0, low0));
                    high0 = highSecond.fma(second0, highFirst.fma(first0, high0));
                }
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
            for (int c = 0; c < 4; c++) {
                long at4 = q + c * 8L * L;
                IntVector lowRows = IntVector.fromMemorySegment(I, packed, at4, LE);
                IntVector highRows = IntVector.fromMemorySegment(I, packed, at4 + 4L * L, LE);
                for (int j = 0; j < 4; j++) {
                    FloatVector lowFirst = lowRows.lanewise(VectorOperators.LSHR, 8 * j).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                    FloatVector highFirst = highRows.lanewise(VectorOperators.LSHR, 8 * j).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                    FloatVector lowSecond = lowRows.lanewise(VectorOperators.LSHR, 8 * j + 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                    FloatVector highSecond = highRows.lanewise(VectorOperators.LSHR, 8 * j + 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                    FloatVector first0 = FloatVector.broadcast(F, x[k + 4 * c + j]);
                    FloatVector second0 = FloatVector.broadcast(F, x[k + HALF + 4 * c + j]);
                    low0 = lowSecond.fma(second0, lowFirst.fma(first0, low0));
                    high0 = highSecond.fma(second0, highFirst.fma(first0, high0));
                    FloatVector first1 = FloatVector.broadcast(F, x[k + stride + 4 * c + j]);
                    FloatVector second1 = FloatVector.broadcast(F, x[k + stride + HALF + 4 * c + j]);
                    low1 = lowSecond.fma(second1, lowFirst.fma(first1, low1));
                    high1 = highSecond.fma(second1, highFirst.fma(first1, high1));
                    FloatVector first2 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + j]);
                    FloatVector second2 = FloatVector.broadcast(F, x[k + 2 * stride + HALF + 4 * c + j]);
                    low2 = lowSecond.fma(second2, lowFirst.fma(first2, low2));
                    high2 = highSecond.fma(second2, highFirst.fma(first2, high2));
                    FloatVector first3 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + j]);
                    FloatVector second3 = FloatVector.broadcast(F, x[k + 3 * stride + HALF + 4 * c + j]);
                    low3 = lowSecond.fma(second3, lowFirst.fma(first3, low3));
                    high3 = highSecond.fma(second3, highFirst.fma(first3, high3));
                }
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
            for (int c = 0; c < 4; c++) {
                long at4 = q + c * 8L * L;
                IntVector lowRows = IntVector.fromMemorySegment(I, packed, at4, LE);
                IntVector highRows = IntVector.fromMemorySegment(I, packed, at4 + 4L * L, LE);
                for (int j = 0; j < 4; j++) {
                    FloatVector lowFirst = lowRows.lanewise(VectorOperators.LSHR, 8 * j).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                    FloatVector highFirst = highRows.lanewise(VectorOperators.LSHR, 8 * j).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                    FloatVector lowSecond = lowRows.lanewise(VectorOperators.LSHR, 8 * j + 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                    FloatVector highSecond = highRows.lanewise(VectorOperators.LSHR, 8 * j + 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                    FloatVector first0 = FloatVector.broadcast(F, x[k + 4 * c + j]);
                    FloatVector second0 = FloatVector.broadcast(F, x[k + HALF + 4 * c + j]);
                    low0 = lowSecond.fma(second0, lowFirst.fma(first0, low0));
                    high0 = highSecond.fma(second0, highFirst.fma(first0, high0));
                    FloatVector first1 = FloatVector.broadcast(F, x[k + stride + 4 * c + j]);
                    FloatVector second1 = FloatVector.broadcast(F, x[k + stride + HALF + 4 * c + j]);
                    low1 = lowSecond.fma(second1, lowFirst.fma(first1, low1));
                    high1 = highSecond.fma(second1, highFirst.fma(first1, high1));
                    FloatVector first2 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + j]);
                    FloatVector second2 = FloatVector.broadcast(F, x[k + 2 * stride + HALF + 4 * c + j]);
                    low2 = lowSecond.fma(second2, lowFirst.fma(first2, low2));
                    high2 = highSecond.fma(second2, highFirst.fma(first2, high2));
                    FloatVector first3 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + j]);
                    FloatVector second3 = FloatVector.broadcast(F, x[k + 3 * stride + HALF + 4 * c + j]);
                    low3 = lowSecond.fma(second3, lowFirst.fma(first3, low3));
                    high3 = highSecond.fma(second3, highFirst.fma(first3, high3));
                    FloatVector first4 = FloatVector.broadcast(F, x[k + 4 * stride + 4 * c + j]);
                    FloatVector second4 = FloatVector.broadcast(F, x[k + 4 * stride + HALF + 4 * c + j]);
                    low4 = lowSecond.fma(second4, lowFirst.fma(first4, low4));
                    high4 = highSecond.fma(second4, highFirst.fma(first4, high4));
                    FloatVector first5 = FloatVector.broadcast(F, x[k + 5 * stride + 4 * c + j]);
                    FloatVector second5 = FloatVector.broadcast(F, x[k + 5 * stride + HALF + 4 * c + j]);
                    low5 = lowSecond.fma(second5, lowFirst.fma(first5, low5));
                    high5 = highSecond.fma(second5, highFirst.fma(first5, high5));
                }
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
            for (int c = 0; c < 4; c++) {
                long at4 = q + c * 8L * L;
                IntVector lowRows0 = IntVector.fromMemorySegment(I, packed, at4, LE);
                IntVector highRows0 = IntVector.fromMemorySegment(I, packed, at4 + 4L * L, LE);
                IntVector lowRows1 = IntVector.fromMemorySegment(I, packed, at4 + groupBytes, LE);
                IntVector highRows1 = IntVector.fromMemorySegment(I, packed, at4 + groupBytes + 4L * L, LE);
                IntVector lowRows2 = IntVector.fromMemorySegment(I, packed, at4 + 2 * groupBytes, LE);
                IntVector highRows2 = IntVector.fromMemorySegment(I, packed, at4 + 2 * groupBytes + 4L * L, LE);
                IntVector lowRows3 = IntVector.fromMemorySegment(I, packed, at4 + 3 * groupBytes, LE);
                IntVector highRows3 = IntVector.fromMemorySegment(I, packed, at4 + 3 * groupBytes + 4L * L, LE);
                for (int j = 0; j < 4; j++) {
                    FloatVector first0 = FloatVector.broadcast(F, x[k + 4 * c + j]);
                    FloatVector second0 = FloatVector.broadcast(F, x[k + HALF + 4 * c + j]);
                    low0 = lowRows0.lanewise(VectorOperators.LSHR, 8 * j + 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second0, lowRows0.lanewise(VectorOperators.LSHR, 8 * j).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first0, low0));
                    high0 = highRows0.lanewise(VectorOperators.LSHR, 8 * j + 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second0, highRows0.lanewise(VectorOperators.LSHR, 8 * j).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first0, high0));
                    low1 = lowRows1.lanewise(VectorOperators.LSHR, 8 * j + 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second0, lowRows1.lanewise(VectorOperators.LSHR, 8 * j).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first0, low1));
                    high1 = highRows1.lanewise(VectorOperators.LSHR, 8 * j + 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second0, highRows1.lanewise(VectorOperators.LSHR, 8 * j).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first0, high1));
                    low2 = lowRows2.lanewise(VectorOperators.LSHR, 8 * j + 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second0, lowRows2.lanewise(VectorOperators.LSHR, 8 * j).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first0, low2));
                    high2 = highRows2.lanewise(VectorOperators.LSHR, 8 * j + 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second0, highRows2.lanewise(VectorOperators.LSHR, 8 * j).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first0, high2));
                    low3 = lowRows3.lanewise(VectorOperators.LSHR, 8 * j + 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second0, lowRows3.lanewise(VectorOperators.LSHR, 8 * j).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first0, low3));
                    high3 = highRows3.lanewise(VectorOperators.LSHR, 8 * j + 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second0, highRows3.lanewise(VectorOperators.LSHR, 8 * j).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first0, high3));
                }
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
