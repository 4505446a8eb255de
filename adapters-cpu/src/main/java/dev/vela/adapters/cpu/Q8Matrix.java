package dev.vela.adapters.cpu;

import dev.vela.application.port.out.WeightTensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;

/** Q8_0 weights ({@link BlockMatrix}): a quant is a byte of an int lane, widened to a float in that lane. */
final class Q8Matrix extends BlockMatrix {

    /** 2^23 + 128: the float of a quant stored plus 128 under {@link #MAGIC}'s bits, less the quant. */
    private static final float OFFSET = 8388608f + 128f;

    Q8Matrix(WeightTensor tensor, PackedStore store, WorkerPool pool) {
        super(tensor, WeightTensor.Type.Q8_0, store, pool);
    }

    @Override
    WeightTensor.Type packedType() {
        return WeightTensor.Type.Q8_0;
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
            for (int c = 0; c < 8; c++) {
                long at4 = q + c * 8L * L;
                IntVector lowRows = IntVector.fromMemorySegment(I, packed, at4, LE);
                IntVector highRows = IntVector.fromMemorySegment(I, packed, at4 + 4L * L, LE);
                FloatVector lowQuants0 = lowRows.and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highQuants0 = highRows.and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector v00 = FloatVector.broadcast(F, x[k + 4 * c + 0]);
                low0 = lowQuants0.fma(v00, low0);
                high0 = highQuants0.fma(v00, high0);
                FloatVector lowQuants1 = lowRows.lanewise(VectorOperators.LSHR, 8).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highQuants1 = highRows.lanewise(VectorOperators.LSHR, 8).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector v01 = FloatVector.broadcast(F, x[k + 4 * c + 1]);
                low0 = lowQuants1.fma(v01, low0);
                high0 = highQuants1.fma(v01, high0);
                FloatVector lowQuants2 = lowRows.lanewise(VectorOperators.LSHR, 16).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highQuants2 = highRows.lanewise(VectorOperators.LSHR, 16).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector v02 = FloatVector.broadcast(F, x[k + 4 * c + 2]);
                low0 = lowQuants2.fma(v02, low0);
                high0 = highQuants2.fma(v02, high0);
                FloatVector lowQuants3 = lowRows.lanewise(VectorOperators.LSHR, 24).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highQuants3 = highRows.lanewise(VectorOperators.LSHR, 24).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector v03 = FloatVector.broadcast(F, x[k + 4 * c + 3]);
                low0 = lowQuants3.fma(v03, low0);
                high0 = highQuants3.fma(v03, high0);
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
            for (int c = 0; c < 8; c++) {
                long at4 = q + c * 8L * L;
                IntVector lowRows = IntVector.fromMemorySegment(I, packed, at4, LE);
                IntVector highRows = IntVector.fromMemorySegment(I, packed, at4 + 4L * L, LE);
                FloatVector lowQuants0 = lowRows.and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highQuants0 = highRows.and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector v00 = FloatVector.broadcast(F, x[k + 4 * c + 0]);
                low0 = lowQuants0.fma(v00, low0);
                high0 = highQuants0.fma(v00, high0);
                FloatVector v10 = FloatVector.broadcast(F, x[k + stride + 4 * c + 0]);
                low1 = lowQuants0.fma(v10, low1);
                high1 = highQuants0.fma(v10, high1);
                FloatVector v20 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + 0]);
                low2 = lowQuants0.fma(v20, low2);
                high2 = highQuants0.fma(v20, high2);
                FloatVector v30 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + 0]);
                low3 = lowQuants0.fma(v30, low3);
                high3 = highQuants0.fma(v30, high3);
                FloatVector lowQuants1 = lowRows.lanewise(VectorOperators.LSHR, 8).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highQuants1 = highRows.lanewise(VectorOperators.LSHR, 8).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector v01 = FloatVector.broadcast(F, x[k + 4 * c + 1]);
                low0 = lowQuants1.fma(v01, low0);
                high0 = highQuants1.fma(v01, high0);
                FloatVector v11 = FloatVector.broadcast(F, x[k + stride + 4 * c + 1]);
                low1 = lowQuants1.fma(v11, low1);
                high1 = highQuants1.fma(v11, high1);
                FloatVector v21 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + 1]);
                low2 = lowQuants1.fma(v21, low2);
                high2 = highQuants1.fma(v21, high2);
                FloatVector v31 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + 1]);
                low3 = lowQuants1.fma(v31, low3);
                high3 = highQuants1.fma(v31, high3);
                FloatVector lowQuants2 = lowRows.lanewise(VectorOperators.LSHR, 16).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highQuants2 = highRows.lanewise(VectorOperators.LSHR, 16).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector v02 = FloatVector.broadcast(F, x[k + 4 * c + 2]);
                low0 = lowQuants2.fma(v02, low0);
                high0 = highQuants2.fma(v02, high0);
                FloatVector v12 = FloatVector.broadcast(F, x[k + stride + 4 * c + 2]);
                low1 = lowQuants2.fma(v12, low1);
                high1 = highQuants2.fma(v12, high1);
                FloatVector v22 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + 2]);
                low2 = lowQuants2.fma(v22, low2);
                high2 = highQuants2.fma(v22, high2);
                FloatVector v32 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + 2]);
                low3 = lowQuants2.fma(v32, low3);
                high3 = highQuants2.fma(v32, high3);
                FloatVector lowQuants3 = lowRows.lanewise(VectorOperators.LSHR, 24).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highQuants3 = highRows.lanewise(VectorOperators.LSHR, 24).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector v03 = FloatVector.broadcast(F, x[k + 4 * c + 3]);
                low0 = lowQuants3.fma(v03, low0);
                high0 = highQuants3.fma(v03, high0);
                FloatVector v13 = FloatVector.broadcast(F, x[k + stride + 4 * c + 3]);
                low1 = lowQuants3.fma(v13, low1);
                high1 = highQuants3.fma(v13, high1);
                FloatVector v23 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + 3]);
                low2 = lowQuants3.fma(v23, low2);
                high2 = highQuants3.fma(v23, high2);
                FloatVector v33 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + 3]);
                low3 = lowQuants3.fma(v33, low3);
                high3 = highQuants3.fma(v33, high3);
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
            for (int c = 0; c < 8; c++) {
                long at4 = q + c * 8L * L;
                IntVector lowRows = IntVector.fromMemorySegment(I, packed, at4, LE);
                IntVector highRows = IntVector.fromMemorySegment(I, packed, at4 + 4L * L, LE);
                FloatVector lowQuants0 = lowRows.and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highQuants0 = highRows.and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector v00 = FloatVector.broadcast(F, x[k + 4 * c + 0]);
                low0 = lowQuants0.fma(v00, low0);
                high0 = highQuants0.fma(v00, high0);
                FloatVector v10 = FloatVector.broadcast(F, x[k + stride + 4 * c + 0]);
                low1 = lowQuants0.fma(v10, low1);
                high1 = highQuants0.fma(v10, high1);
                FloatVector v20 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + 0]);
                low2 = lowQuants0.fma(v20, low2);
                high2 = highQuants0.fma(v20, high2);
                FloatVector v30 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + 0]);
                low3 = lowQuants0.fma(v30, low3);
                high3 = highQuants0.fma(v30, high3);
                FloatVector v40 = FloatVector.broadcast(F, x[k + 4 * stride + 4 * c + 0]);
                low4 = lowQuants0.fma(v40, low4);
                high4 = highQuants0.fma(v40, high4);
                FloatVector v50 = FloatVector.broadcast(F, x[k + 5 * stride + 4 * c + 0]);
                low5 = lowQuants0.fma(v50, low5);
                high5 = highQuants0.fma(v50, high5);
                FloatVector lowQuants1 = lowRows.lanewise(VectorOperators.LSHR, 8).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highQuants1 = highRows.lanewise(VectorOperators.LSHR, 8).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector v01 = FloatVector.broadcast(F, x[k + 4 * c + 1]);
                low0 = lowQuants1.fma(v01, low0);
                high0 = highQuants1.fma(v01, high0);
                FloatVector v11 = FloatVector.broadcast(F, x[k + stride + 4 * c + 1]);
                low1 = lowQuants1.fma(v11, low1);
                high1 = highQuants1.fma(v11, high1);
                FloatVector v21 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + 1]);
                low2 = lowQuants1.fma(v21, low2);
                high2 = highQuants1.fma(v21, high2);
                FloatVector v31 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + 1]);
                low3 = lowQuants1.fma(v31, low3);
                high3 = highQuants1.fma(v31, high3);
                FloatVector v41 = FloatVector.broadcast(F, x[k + 4 * stride + 4 * c + 1]);
                low4 = lowQuants1.fma(v41, low4);
                high4 = highQuants1.fma(v41, high4);
                FloatVector v51 = FloatVector.broadcast(F, x[k + 5 * stride + 4 * c + 1]);
                low5 = lowQuants1.fma(v51, low5);
                high5 = highQuants1.fma(v51, high5);
                FloatVector lowQuants2 = lowRows.lanewise(VectorOperators.LSHR, 16).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highQuants2 = highRows.lanewise(VectorOperators.LSHR, 16).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector v02 = FloatVector.broadcast(F, x[k + 4 * c + 2]);
                low0 = lowQuants2.fma(v02, low0);
                high0 = highQuants2.fma(v02, high0);
                FloatVector v12 = FloatVector.broadcast(F, x[k + stride + 4 * c + 2]);
                low1 = lowQuants2.fma(v12, low1);
                high1 = highQuants2.fma(v12, high1);
                FloatVector v22 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + 2]);
                low2 = lowQuants2.fma(v22, low2);
                high2 = highQuants2.fma(v22, high2);
                FloatVector v32 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + 2]);
                low3 = lowQuants2.fma(v32, low3);
                high3 = highQuants2.fma(v32, high3);
                FloatVector v42 = FloatVector.broadcast(F, x[k + 4 * stride + 4 * c + 2]);
                low4 = lowQuants2.fma(v42, low4);
                high4 = highQuants2.fma(v42, high4);
                FloatVector v52 = FloatVector.broadcast(F, x[k + 5 * stride + 4 * c + 2]);
                low5 = lowQuants2.fma(v52, low5);
                high5 = highQuants2.fma(v52, high5);
                FloatVector lowQuants3 = lowRows.lanewise(VectorOperators.LSHR, 24).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector highQuants3 = highRows.lanewise(VectorOperators.LSHR, 24).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET);
                FloatVector v03 = FloatVector.broadcast(F, x[k + 4 * c + 3]);
                low0 = lowQuants3.fma(v03, low0);
                high0 = highQuants3.fma(v03, high0);
                FloatVector v13 = FloatVector.broadcast(F, x[k + stride + 4 * c + 3]);
                low1 = lowQuants3.fma(v13, low1);
                high1 = highQuants3.fma(v13, high1);
                FloatVector v23 = FloatVector.broadcast(F, x[k + 2 * stride + 4 * c + 3]);
                low2 = lowQuants3.fma(v23, low2);
                high2 = highQuants3.fma(v23, high2);
                FloatVector v33 = FloatVector.broadcast(F, x[k + 3 * stride + 4 * c + 3]);
                low3 = lowQuants3.fma(v33, low3);
                high3 = highQuants3.fma(v33, high3);
                FloatVector v43 = FloatVector.broadcast(F, x[k + 4 * stride + 4 * c + 3]);
                low4 = lowQuants3.fma(v43, low4);
                high4 = highQuants3.fma(v43, high4);
                FloatVector v53 = FloatVector.broadcast(F, x[k + 5 * stride + 4 * c + 3]);
                low5 = lowQuants3.fma(v53, low5);
                high5 = highQuants3.fma(v53, high5);
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
            for (int c = 0; c < 8; c++) {
                long at4 = q + c * 8L * L;
                IntVector lowRows0 = IntVector.fromMemorySegment(I, packed, at4, LE);
                IntVector highRows0 = IntVector.fromMemorySegment(I, packed, at4 + 4L * L, LE);
                IntVector lowRows1 = IntVector.fromMemorySegment(I, packed, at4 + groupBytes, LE);
                IntVector highRows1 = IntVector.fromMemorySegment(I, packed, at4 + groupBytes + 4L * L, LE);
                IntVector lowRows2 = IntVector.fromMemorySegment(I, packed, at4 + 2 * groupBytes, LE);
                IntVector highRows2 = IntVector.fromMemorySegment(I, packed, at4 + 2 * groupBytes + 4L * L, LE);
                IntVector lowRows3 = IntVector.fromMemorySegment(I, packed, at4 + 3 * groupBytes, LE);
                IntVector highRows3 = IntVector.fromMemorySegment(I, packed, at4 + 3 * groupBytes + 4L * L, LE);
                FloatVector v0 = FloatVector.broadcast(F, x[k + 4 * c + 0]);
                low0 = lowRows0.and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v0, low0);
                high0 = highRows0.and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v0, high0);
                low1 = lowRows1.and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v0, low1);
                high1 = highRows1.and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v0, high1);
                low2 = lowRows2.and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v0, low2);
                high2 = highRows2.and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v0, high2);
                low3 = lowRows3.and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v0, low3);
                high3 = highRows3.and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v0, high3);
                FloatVector v1 = FloatVector.broadcast(F, x[k + 4 * c + 1]);
                low0 = lowRows0.lanewise(VectorOperators.LSHR, 8).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v1, low0);
                high0 = highRows0.lanewise(VectorOperators.LSHR, 8).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v1, high0);
                low1 = lowRows1.lanewise(VectorOperators.LSHR, 8).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v1, low1);
                high1 = highRows1.lanewise(VectorOperators.LSHR, 8).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v1, high1);
                low2 = lowRows2.lanewise(VectorOperators.LSHR, 8).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v1, low2);
                high2 = highRows2.lanewise(VectorOperators.LSHR, 8).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v1, high2);
                low3 = lowRows3.lanewise(VectorOperators.LSHR, 8).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v1, low3);
                high3 = highRows3.lanewise(VectorOperators.LSHR, 8).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v1, high3);
                FloatVector v2 = FloatVector.broadcast(F, x[k + 4 * c + 2]);
                low0 = lowRows0.lanewise(VectorOperators.LSHR, 16).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v2, low0);
                high0 = highRows0.lanewise(VectorOperators.LSHR, 16).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v2, high0);
                low1 = lowRows1.lanewise(VectorOperators.LSHR, 16).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v2, low1);
                high1 = highRows1.lanewise(VectorOperators.LSHR, 16).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v2, high1);
                low2 = lowRows2.lanewise(VectorOperators.LSHR, 16).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v2, low2);
                high2 = highRows2.lanewise(VectorOperators.LSHR, 16).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v2, high2);
                low3 = lowRows3.lanewise(VectorOperators.LSHR, 16).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v2, low3);
                high3 = highRows3.lanewise(VectorOperators.LSHR, 16).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v2, high3);
                FloatVector v3 = FloatVector.broadcast(F, x[k + 4 * c + 3]);
                low0 = lowRows0.lanewise(VectorOperators.LSHR, 24).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v3, low0);
                high0 = highRows0.lanewise(VectorOperators.LSHR, 24).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v3, high0);
                low1 = lowRows1.lanewise(VectorOperators.LSHR, 24).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v3, low1);
                high1 = highRows1.lanewise(VectorOperators.LSHR, 24).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v3, high1);
                low2 = lowRows2.lanewise(VectorOperators.LSHR, 24).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v3, low2);
                high2 = highRows2.lanewise(VectorOperators.LSHR, 24).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v3, high2);
                low3 = lowRows3.lanewise(VectorOperators.LSHR, 24).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v3, low3);
                high3 = highRows3.lanewise(VectorOperators.LSHR, 24).and(0xFF).or(MAGIC).reinterpretAsFloats().sub(OFFSET).fma(v3, high3);
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
