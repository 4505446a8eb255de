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
    /** 2^23 + 8: the float of a nibble under {@link #MAGIC}'s bits, less {@code q - 8}. */
    private static final float OFFSET = 8388608f + 8f;

    Q4Matrix(WeightTensor tensor, PackedStore store, WorkerPool pool) {
        super(tensor, WeightTensor.Type.Q4_0, store, pool);
    }

    @Override
    WeightTensor.Type packedType() {
        return WeightTensor.Type.Q4_0;
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
                FloatVector lowFirst0 = lowRows.and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highFirst0 = highRows.and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector lowSecond0 = lowRows.lanewise(VectorOperators.LSHR, 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highSecond0 = highRows.lanewise(VectorOperators.LSHR, 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector first00 = FloatVector.broadcast(F, x[k + 4 * c + 0]);
                FloatVector second00 = FloatVector.broadcast(F, x[k + HALF + 4 * c + 0]);
                low0 = lowSecond0.fma(second00, lowFirst0.fma(first00, low0));
                high0 = highSecond0.fma(second00, highFirst0.fma(first00, high0));
                FloatVector lowFirst1 = lowRows.lanewise(VectorOperators.LSHR, 8).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highFirst1 = highRows.lanewise(VectorOperators.LSHR, 8).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector lowSecond1 = lowRows.lanewise(VectorOperators.LSHR, 12).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highSecond1 = highRows.lanewise(VectorOperators.LSHR, 12).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector first01 = FloatVector.broadcast(F, x[k + 4 * c + 1]);
                FloatVector second01 = FloatVector.broadcast(F, x[k + HALF + 4 * c + 1]);
                low0 = lowSecond1.fma(second01, lowFirst1.fma(first01, low0));
                high0 = highSecond1.fma(second01, highFirst1.fma(first01, high0));
                FloatVector lowFirst2 = lowRows.lanewise(VectorOperators.LSHR, 16).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highFirst2 = highRows.lanewise(VectorOperators.LSHR, 16).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector lowSecond2 = lowRows.lanewise(VectorOperators.LSHR, 20).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highSecond2 = highRows.lanewise(VectorOperators.LSHR, 20).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector first02 = FloatVector.broadcast(F, x[k + 4 * c + 2]);
                FloatVector second02 = FloatVector.broadcast(F, x[k + HALF + 4 * c + 2]);
                low0 = lowSecond2.fma(second02, lowFirst2.fma(first02, low0));
                high0 = highSecond2.fma(second02, highFirst2.fma(first02, high0));
                FloatVector lowFirst3 = lowRows.lanewise(VectorOperators.LSHR, 24).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highFirst3 = highRows.lanewise(VectorOperators.LSHR, 24).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector lowSecond3 = lowRows.lanewise(VectorOperators.LSHR, 28).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highSecond3 = highRows.lanewise(VectorOperators.LSHR, 28).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector first03 = FloatVector.broadcast(F, x[k + 4 * c + 3]);
                FloatVector second03 = FloatVector.broadcast(F, x[k + HALF + 4 * c + 3]);
                low0 = lowSecond3.fma(second03, lowFirst3.fma(first03, low0));
                high0 = highSecond3.fma(second03, highFirst3.fma(first03, high0));
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
                FloatVector lowFirst0 = lowRows.and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highFirst0 = highRows.and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector lowSecond0 = lowRows.lanewise(VectorOperators.LSHR, 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highSecond0 = highRows.lanewise(VectorOperators.LSHR, 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector first00 = FloatVector.broadcast(F, x[k + 4 * c + 0]);
                FloatVector second00 = FloatVector.broadcast(F, x[k + HALF + 4 * c + 0]);
                low0 = lowSecond0.fma(second00, lowFirst0.fma(first00, low0));
                high0 = highSecond0.fma(second00, highFirst0.fma(first00, high0));
                FloatVector first10 = FloatVector.broadcast(F, x[k + stride + 4 * c + 0]);
                FloatVector second10 = FloatVector.broadcast(F, x[k + stride + HALF + 4 * c + 0]);
                low1 = lowSecond0.fma(second10, lowFirst0.fma(first10, low1));
                high1 = highSecond0.fma(second10, highFirst0.fma(first10, high1));
                FloatVector first20 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + 0]);
                FloatVector second20 = FloatVector.broadcast(F, x[k + 2 * stride + HALF + 4 * c + 0]);
                low2 = lowSecond0.fma(second20, lowFirst0.fma(first20, low2));
                high2 = highSecond0.fma(second20, highFirst0.fma(first20, high2));
                FloatVector first30 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + 0]);
                FloatVector second30 = FloatVector.broadcast(F, x[k + 3 * stride + HALF + 4 * c + 0]);
                low3 = lowSecond0.fma(second30, lowFirst0.fma(first30, low3));
                high3 = highSecond0.fma(second30, highFirst0.fma(first30, high3));
                FloatVector lowFirst1 = lowRows.lanewise(VectorOperators.LSHR, 8).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highFirst1 = highRows.lanewise(VectorOperators.LSHR, 8).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector lowSecond1 = lowRows.lanewise(VectorOperators.LSHR, 12).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highSecond1 = highRows.lanewise(VectorOperators.LSHR, 12).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector first01 = FloatVector.broadcast(F, x[k + 4 * c + 1]);
                FloatVector second01 = FloatVector.broadcast(F, x[k + HALF + 4 * c + 1]);
                low0 = lowSecond1.fma(second01, lowFirst1.fma(first01, low0));
                high0 = highSecond1.fma(second01, highFirst1.fma(first01, high0));
                FloatVector first11 = FloatVector.broadcast(F, x[k + stride + 4 * c + 1]);
                FloatVector second11 = FloatVector.broadcast(F, x[k + stride + HALF + 4 * c + 1]);
                low1 = lowSecond1.fma(second11, lowFirst1.fma(first11, low1));
                high1 = highSecond1.fma(second11, highFirst1.fma(first11, high1));
                FloatVector first21 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + 1]);
                FloatVector second21 = FloatVector.broadcast(F, x[k + 2 * stride + HALF + 4 * c + 1]);
                low2 = lowSecond1.fma(second21, lowFirst1.fma(first21, low2));
                high2 = highSecond1.fma(second21, highFirst1.fma(first21, high2));
                FloatVector first31 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + 1]);
                FloatVector second31 = FloatVector.broadcast(F, x[k + 3 * stride + HALF + 4 * c + 1]);
                low3 = lowSecond1.fma(second31, lowFirst1.fma(first31, low3));
                high3 = highSecond1.fma(second31, highFirst1.fma(first31, high3));
                FloatVector lowFirst2 = lowRows.lanewise(VectorOperators.LSHR, 16).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highFirst2 = highRows.lanewise(VectorOperators.LSHR, 16).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector lowSecond2 = lowRows.lanewise(VectorOperators.LSHR, 20).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highSecond2 = highRows.lanewise(VectorOperators.LSHR, 20).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector first02 = FloatVector.broadcast(F, x[k + 4 * c + 2]);
                FloatVector second02 = FloatVector.broadcast(F, x[k + HALF + 4 * c + 2]);
                low0 = lowSecond2.fma(second02, lowFirst2.fma(first02, low0));
                high0 = highSecond2.fma(second02, highFirst2.fma(first02, high0));
                FloatVector first12 = FloatVector.broadcast(F, x[k + stride + 4 * c + 2]);
                FloatVector second12 = FloatVector.broadcast(F, x[k + stride + HALF + 4 * c + 2]);
                low1 = lowSecond2.fma(second12, lowFirst2.fma(first12, low1));
                high1 = highSecond2.fma(second12, highFirst2.fma(first12, high1));
                FloatVector first22 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + 2]);
                FloatVector second22 = FloatVector.broadcast(F, x[k + 2 * stride + HALF + 4 * c + 2]);
                low2 = lowSecond2.fma(second22, lowFirst2.fma(first22, low2));
                high2 = highSecond2.fma(second22, highFirst2.fma(first22, high2));
                FloatVector first32 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + 2]);
                FloatVector second32 = FloatVector.broadcast(F, x[k + 3 * stride + HALF + 4 * c + 2]);
                low3 = lowSecond2.fma(second32, lowFirst2.fma(first32, low3));
                high3 = highSecond2.fma(second32, highFirst2.fma(first32, high3));
                FloatVector lowFirst3 = lowRows.lanewise(VectorOperators.LSHR, 24).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highFirst3 = highRows.lanewise(VectorOperators.LSHR, 24).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector lowSecond3 = lowRows.lanewise(VectorOperators.LSHR, 28).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highSecond3 = highRows.lanewise(VectorOperators.LSHR, 28).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector first03 = FloatVector.broadcast(F, x[k + 4 * c + 3]);
                FloatVector second03 = FloatVector.broadcast(F, x[k + HALF + 4 * c + 3]);
                low0 = lowSecond3.fma(second03, lowFirst3.fma(first03, low0));
                high0 = highSecond3.fma(second03, highFirst3.fma(first03, high0));
                FloatVector first13 = FloatVector.broadcast(F, x[k + stride + 4 * c + 3]);
                FloatVector second13 = FloatVector.broadcast(F, x[k + stride + HALF + 4 * c + 3]);
                low1 = lowSecond3.fma(second13, lowFirst3.fma(first13, low1));
                high1 = highSecond3.fma(second13, highFirst3.fma(first13, high1));
                FloatVector first23 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + 3]);
                FloatVector second23 = FloatVector.broadcast(F, x[k + 2 * stride + HALF + 4 * c + 3]);
                low2 = lowSecond3.fma(second23, lowFirst3.fma(first23, low2));
                high2 = highSecond3.fma(second23, highFirst3.fma(first23, high2));
                FloatVector first33 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + 3]);
                FloatVector second33 = FloatVector.broadcast(F, x[k + 3 * stride + HALF + 4 * c + 3]);
                low3 = lowSecond3.fma(second33, lowFirst3.fma(first33, low3));
                high3 = highSecond3.fma(second33, highFirst3.fma(first33, high3));
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
                FloatVector lowFirst0 = lowRows.and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highFirst0 = highRows.and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector lowSecond0 = lowRows.lanewise(VectorOperators.LSHR, 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highSecond0 = highRows.lanewise(VectorOperators.LSHR, 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector first00 = FloatVector.broadcast(F, x[k + 4 * c + 0]);
                FloatVector second00 = FloatVector.broadcast(F, x[k + HALF + 4 * c + 0]);
                low0 = lowSecond0.fma(second00, lowFirst0.fma(first00, low0));
                high0 = highSecond0.fma(second00, highFirst0.fma(first00, high0));
                FloatVector first10 = FloatVector.broadcast(F, x[k + stride + 4 * c + 0]);
                FloatVector second10 = FloatVector.broadcast(F, x[k + stride + HALF + 4 * c + 0]);
                low1 = lowSecond0.fma(second10, lowFirst0.fma(first10, low1));
                high1 = highSecond0.fma(second10, highFirst0.fma(first10, high1));
                FloatVector first20 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + 0]);
                FloatVector second20 = FloatVector.broadcast(F, x[k + 2 * stride + HALF + 4 * c + 0]);
                low2 = lowSecond0.fma(second20, lowFirst0.fma(first20, low2));
                high2 = highSecond0.fma(second20, highFirst0.fma(first20, high2));
                FloatVector first30 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + 0]);
                FloatVector second30 = FloatVector.broadcast(F, x[k + 3 * stride + HALF + 4 * c + 0]);
                low3 = lowSecond0.fma(second30, lowFirst0.fma(first30, low3));
                high3 = highSecond0.fma(second30, highFirst0.fma(first30, high3));
                FloatVector first40 = FloatVector.broadcast(F, x[k + 4 * stride + 4 * c + 0]);
                FloatVector second40 = FloatVector.broadcast(F, x[k + 4 * stride + HALF + 4 * c + 0]);
                low4 = lowSecond0.fma(second40, lowFirst0.fma(first40, low4));
                high4 = highSecond0.fma(second40, highFirst0.fma(first40, high4));
                FloatVector first50 = FloatVector.broadcast(F, x[k + 5 * stride + 4 * c + 0]);
                FloatVector second50 = FloatVector.broadcast(F, x[k + 5 * stride + HALF + 4 * c + 0]);
                low5 = lowSecond0.fma(second50, lowFirst0.fma(first50, low5));
                high5 = highSecond0.fma(second50, highFirst0.fma(first50, high5));
                FloatVector lowFirst1 = lowRows.lanewise(VectorOperators.LSHR, 8).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highFirst1 = highRows.lanewise(VectorOperators.LSHR, 8).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector lowSecond1 = lowRows.lanewise(VectorOperators.LSHR, 12).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highSecond1 = highRows.lanewise(VectorOperators.LSHR, 12).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector first01 = FloatVector.broadcast(F, x[k + 4 * c + 1]);
                FloatVector second01 = FloatVector.broadcast(F, x[k + HALF + 4 * c + 1]);
                low0 = lowSecond1.fma(second01, lowFirst1.fma(first01, low0));
                high0 = highSecond1.fma(second01, highFirst1.fma(first01, high0));
                FloatVector first11 = FloatVector.broadcast(F, x[k + stride + 4 * c + 1]);
                FloatVector second11 = FloatVector.broadcast(F, x[k + stride + HALF + 4 * c + 1]);
                low1 = lowSecond1.fma(second11, lowFirst1.fma(first11, low1));
                high1 = highSecond1.fma(second11, highFirst1.fma(first11, high1));
                FloatVector first21 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + 1]);
                FloatVector second21 = FloatVector.broadcast(F, x[k + 2 * stride + HALF + 4 * c + 1]);
                low2 = lowSecond1.fma(second21, lowFirst1.fma(first21, low2));
                high2 = highSecond1.fma(second21, highFirst1.fma(first21, high2));
                FloatVector first31 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + 1]);
                FloatVector second31 = FloatVector.broadcast(F, x[k + 3 * stride + HALF + 4 * c + 1]);
                low3 = lowSecond1.fma(second31, lowFirst1.fma(first31, low3));
                high3 = highSecond1.fma(second31, highFirst1.fma(first31, high3));
                FloatVector first41 = FloatVector.broadcast(F, x[k + 4 * stride + 4 * c + 1]);
                FloatVector second41 = FloatVector.broadcast(F, x[k + 4 * stride + HALF + 4 * c + 1]);
                low4 = lowSecond1.fma(second41, lowFirst1.fma(first41, low4));
                high4 = highSecond1.fma(second41, highFirst1.fma(first41, high4));
                FloatVector first51 = FloatVector.broadcast(F, x[k + 5 * stride + 4 * c + 1]);
                FloatVector second51 = FloatVector.broadcast(F, x[k + 5 * stride + HALF + 4 * c + 1]);
                low5 = lowSecond1.fma(second51, lowFirst1.fma(first51, low5));
                high5 = highSecond1.fma(second51, highFirst1.fma(first51, high5));
                FloatVector lowFirst2 = lowRows.lanewise(VectorOperators.LSHR, 16).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highFirst2 = highRows.lanewise(VectorOperators.LSHR, 16).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector lowSecond2 = lowRows.lanewise(VectorOperators.LSHR, 20).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highSecond2 = highRows.lanewise(VectorOperators.LSHR, 20).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector first02 = FloatVector.broadcast(F, x[k + 4 * c + 2]);
                FloatVector second02 = FloatVector.broadcast(F, x[k + HALF + 4 * c + 2]);
                low0 = lowSecond2.fma(second02, lowFirst2.fma(first02, low0));
                high0 = highSecond2.fma(second02, highFirst2.fma(first02, high0));
                FloatVector first12 = FloatVector.broadcast(F, x[k + stride + 4 * c + 2]);
                FloatVector second12 = FloatVector.broadcast(F, x[k + stride + HALF + 4 * c + 2]);
                low1 = lowSecond2.fma(second12, lowFirst2.fma(first12, low1));
                high1 = highSecond2.fma(second12, highFirst2.fma(first12, high1));
                FloatVector first22 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + 2]);
                FloatVector second22 = FloatVector.broadcast(F, x[k + 2 * stride + HALF + 4 * c + 2]);
                low2 = lowSecond2.fma(second22, lowFirst2.fma(first22, low2));
                high2 = highSecond2.fma(second22, highFirst2.fma(first22, high2));
                FloatVector first32 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + 2]);
                FloatVector second32 = FloatVector.broadcast(F, x[k + 3 * stride + HALF + 4 * c + 2]);
                low3 = lowSecond2.fma(second32, lowFirst2.fma(first32, low3));
                high3 = highSecond2.fma(second32, highFirst2.fma(first32, high3));
                FloatVector first42 = FloatVector.broadcast(F, x[k + 4 * stride + 4 * c + 2]);
                FloatVector second42 = FloatVector.broadcast(F, x[k + 4 * stride + HALF + 4 * c + 2]);
                low4 = lowSecond2.fma(second42, lowFirst2.fma(first42, low4));
                high4 = highSecond2.fma(second42, highFirst2.fma(first42, high4));
                FloatVector first52 = FloatVector.broadcast(F, x[k + 5 * stride + 4 * c + 2]);
                FloatVector second52 = FloatVector.broadcast(F, x[k + 5 * stride + HALF + 4 * c + 2]);
                low5 = lowSecond2.fma(second52, lowFirst2.fma(first52, low5));
                high5 = highSecond2.fma(second52, highFirst2.fma(first52, high5));
                FloatVector lowFirst3 = lowRows.lanewise(VectorOperators.LSHR, 24).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highFirst3 = highRows.lanewise(VectorOperators.LSHR, 24).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector lowSecond3 = lowRows.lanewise(VectorOperators.LSHR, 28).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highSecond3 = highRows.lanewise(VectorOperators.LSHR, 28).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector first03 = FloatVector.broadcast(F, x[k + 4 * c + 3]);
                FloatVector second03 = FloatVector.broadcast(F, x[k + HALF + 4 * c + 3]);
                low0 = lowSecond3.fma(second03, lowFirst3.fma(first03, low0));
                high0 = highSecond3.fma(second03, highFirst3.fma(first03, high0));
                FloatVector first13 = FloatVector.broadcast(F, x[k + stride + 4 * c + 3]);
                FloatVector second13 = FloatVector.broadcast(F, x[k + stride + HALF + 4 * c + 3]);
                low1 = lowSecond3.fma(second13, lowFirst3.fma(first13, low1));
                high1 = highSecond3.fma(second13, highFirst3.fma(first13, high1));
                FloatVector first23 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + 3]);
                FloatVector second23 = FloatVector.broadcast(F, x[k + 2 * stride + HALF + 4 * c + 3]);
                low2 = lowSecond3.fma(second23, lowFirst3.fma(first23, low2));
                high2 = highSecond3.fma(second23, highFirst3.fma(first23, high2));
                FloatVector first33 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + 3]);
                FloatVector second33 = FloatVector.broadcast(F, x[k + 3 * stride + HALF + 4 * c + 3]);
                low3 = lowSecond3.fma(second33, lowFirst3.fma(first33, low3));
                high3 = highSecond3.fma(second33, highFirst3.fma(first33, high3));
                FloatVector first43 = FloatVector.broadcast(F, x[k + 4 * stride + 4 * c + 3]);
                FloatVector second43 = FloatVector.broadcast(F, x[k + 4 * stride + HALF + 4 * c + 3]);
                low4 = lowSecond3.fma(second43, lowFirst3.fma(first43, low4));
                high4 = highSecond3.fma(second43, highFirst3.fma(first43, high4));
                FloatVector first53 = FloatVector.broadcast(F, x[k + 5 * stride + 4 * c + 3]);
                FloatVector second53 = FloatVector.broadcast(F, x[k + 5 * stride + HALF + 4 * c + 3]);
                low5 = lowSecond3.fma(second53, lowFirst3.fma(first53, low5));
                high5 = highSecond3.fma(second53, highFirst3.fma(first53, high5));
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
                FloatVector first0 = FloatVector.broadcast(F, x[k + 4 * c + 0]);
                FloatVector second0 = FloatVector.broadcast(F, x[k + HALF + 4 * c + 0]);
                low0 = lowRows0.lanewise(VectorOperators.LSHR, 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second0, lowRows0.and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first0, low0));
                high0 = highRows0.lanewise(VectorOperators.LSHR, 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second0, highRows0.and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first0, high0));
                low1 = lowRows1.lanewise(VectorOperators.LSHR, 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second0, lowRows1.and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first0, low1));
                high1 = highRows1.lanewise(VectorOperators.LSHR, 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second0, highRows1.and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first0, high1));
                low2 = lowRows2.lanewise(VectorOperators.LSHR, 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second0, lowRows2.and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first0, low2));
                high2 = highRows2.lanewise(VectorOperators.LSHR, 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second0, highRows2.and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first0, high2));
                low3 = lowRows3.lanewise(VectorOperators.LSHR, 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second0, lowRows3.and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first0, low3));
                high3 = highRows3.lanewise(VectorOperators.LSHR, 4).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second0, highRows3.and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first0, high3));
                FloatVector first1 = FloatVector.broadcast(F, x[k + 4 * c + 1]);
                FloatVector second1 = FloatVector.broadcast(F, x[k + HALF + 4 * c + 1]);
                low0 = lowRows0.lanewise(VectorOperators.LSHR, 12).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second1, lowRows0.lanewise(VectorOperators.LSHR, 8).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first1, low0));
                high0 = highRows0.lanewise(VectorOperators.LSHR, 12).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second1, highRows0.lanewise(VectorOperators.LSHR, 8).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first1, high0));
                low1 = lowRows1.lanewise(VectorOperators.LSHR, 12).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second1, lowRows1.lanewise(VectorOperators.LSHR, 8).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first1, low1));
                high1 = highRows1.lanewise(VectorOperators.LSHR, 12).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second1, highRows1.lanewise(VectorOperators.LSHR, 8).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first1, high1));
                low2 = lowRows2.lanewise(VectorOperators.LSHR, 12).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second1, lowRows2.lanewise(VectorOperators.LSHR, 8).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first1, low2));
                high2 = highRows2.lanewise(VectorOperators.LSHR, 12).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second1, highRows2.lanewise(VectorOperators.LSHR, 8).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first1, high2));
                low3 = lowRows3.lanewise(VectorOperators.LSHR, 12).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second1, lowRows3.lanewise(VectorOperators.LSHR, 8).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first1, low3));
                high3 = highRows3.lanewise(VectorOperators.LSHR, 12).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second1, highRows3.lanewise(VectorOperators.LSHR, 8).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first1, high3));
                FloatVector first2 = FloatVector.broadcast(F, x[k + 4 * c + 2]);
                FloatVector second2 = FloatVector.broadcast(F, x[k + HALF + 4 * c + 2]);
                low0 = lowRows0.lanewise(VectorOperators.LSHR, 20).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second2, lowRows0.lanewise(VectorOperators.LSHR, 16).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first2, low0));
                high0 = highRows0.lanewise(VectorOperators.LSHR, 20).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second2, highRows0.lanewise(VectorOperators.LSHR, 16).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first2, high0));
                low1 = lowRows1.lanewise(VectorOperators.LSHR, 20).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second2, lowRows1.lanewise(VectorOperators.LSHR, 16).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first2, low1));
                high1 = highRows1.lanewise(VectorOperators.LSHR, 20).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second2, highRows1.lanewise(VectorOperators.LSHR, 16).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first2, high1));
                low2 = lowRows2.lanewise(VectorOperators.LSHR, 20).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second2, lowRows2.lanewise(VectorOperators.LSHR, 16).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first2, low2));
                high2 = highRows2.lanewise(VectorOperators.LSHR, 20).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second2, highRows2.lanewise(VectorOperators.LSHR, 16).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first2, high2));
                low3 = lowRows3.lanewise(VectorOperators.LSHR, 20).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second2, lowRows3.lanewise(VectorOperators.LSHR, 16).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first2, low3));
                high3 = highRows3.lanewise(VectorOperators.LSHR, 20).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second2, highRows3.lanewise(VectorOperators.LSHR, 16).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first2, high3));
                FloatVector first3 = FloatVector.broadcast(F, x[k + 4 * c + 3]);
                FloatVector second3 = FloatVector.broadcast(F, x[k + HALF + 4 * c + 3]);
                low0 = lowRows0.lanewise(VectorOperators.LSHR, 28).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second3, lowRows0.lanewise(VectorOperators.LSHR, 24).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first3, low0));
                high0 = highRows0.lanewise(VectorOperators.LSHR, 28).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second3, highRows0.lanewise(VectorOperators.LSHR, 24).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first3, high0));
                low1 = lowRows1.lanewise(VectorOperators.LSHR, 28).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second3, lowRows1.lanewise(VectorOperators.LSHR, 24).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first3, low1));
                high1 = highRows1.lanewise(VectorOperators.LSHR, 28).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second3, highRows1.lanewise(VectorOperators.LSHR, 24).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first3, high1));
                low2 = lowRows2.lanewise(VectorOperators.LSHR, 28).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second3, lowRows2.lanewise(VectorOperators.LSHR, 24).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first3, low2));
                high2 = highRows2.lanewise(VectorOperators.LSHR, 28).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second3, highRows2.lanewise(VectorOperators.LSHR, 24).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first3, high2));
                low3 = lowRows3.lanewise(VectorOperators.LSHR, 28).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second3, lowRows3.lanewise(VectorOperators.LSHR, 24).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first3, low3));
                high3 = highRows3.lanewise(VectorOperators.LSHR, 28).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(second3, highRows3.lanewise(VectorOperators.LSHR, 24).and(0xF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(first3, high3));
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
