package dev.vela.adapters.cpu;

import dev.vela.application.port.out.BlockQuantizer;
import dev.vela.application.port.out.WeightTensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * A matrix of llama.cpp blocks ({@link WeightTensor.Type#Q8_0}, {@link WeightTensor.Type#Q4_0}):
 * 32 consecutive columns of a row share an fp16 scale. The kernels read the blocks as packed, with
 * no float copy of the weights.
 *
 * <p>Packed layout: for each group of {@link #GROUP} rows, for each block of 32 columns, the
 * group's {@code GROUP} scales (fp16, row order), then for each quant byte {@code i} of a llama.cpp
 * block ({@code 32} for Q8_0, {@code 16} for Q4_0) the {@code GROUP} rows' byte {@code i} (row
 * order). It is the group's llama.cpp blocks transposed, so one load of {@link #L} bytes gives
 * {@code L} rows' quants of one column (Q4_0: of two columns, {@code i} and {@code i + 16}). Blocks
 * from a file of that type are copied unchanged; float weights are quantized by
 * {@link BlockQuantizer} as they are packed.
 *
 * <p>Each output is, block after block, {@code total = fma(acc, d, total)} with {@code acc} the
 * block's chain of fused multiply-adds of the quants (as floats) by the activations, from zero, in
 * column order (Q4_0: {@code i}, {@code i + 16} for {@code i = 0..15}); every kernel and tile does
 * exactly that, so a sequence's logits do not depend on the batch.
 */
abstract sealed class BlockMatrix extends Matrix permits Q8Matrix, Q4Matrix {

    /** One row group's quant bytes of one column as {@link #L} byte lanes. */
    static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, VectorShape.forBitSize(Math.max(64, L * 8)));
    /** One row group's fp16 scales as {@link #L} short lanes. */
    static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(Math.max(64, L * 16)));
    static final int BLOCK = BlockQuantizer.BLOCK;
    /** 2^112: an fp16's exponent and mantissa shifted into a float's, times this, is its value (subnormals included). */
    private static final float HALF_TO_FLOAT = Float.intBitsToFloat((127 + 112) << 23);

    /** Packed bytes of one block of the group: its scales, then its quants. */
    final long blockBytes;
    /** Offset of the quants in a packed block. */
    final long quantsAt;

    BlockMatrix(WeightTensor tensor, WeightTensor.Type packedType, PackedStore store, WorkerPool pool) {
        super(requireLanes(tensor), packedType, store, pool);
        this.blockBytes = (long) packedType.blockBytes() * GROUP;
        this.quantsAt = 2L * GROUP;
    }

    private static WeightTensor requireLanes(WeightTensor tensor) {
        if (L < 8) {
            throw new IllegalArgumentException(tensor.name() + ": quantized weights need vectors of at least 8 floats"
                    + " (256 bits); this machine's are " + L);
        }
        if (tensor.dim(1) % BLOCK != 0) {
            throw new IllegalArgumentException(tensor.name() + ": a quantized matrix's rows are whole blocks of "
                    + BLOCK + " columns, not " + tensor.dim(1));
        }
        return tensor;
    }

    @Override
    void pack(WeightTensor tensor, MemorySegment packed, int from, int to) {
        // the layout's sizes are read here, not from fields: the constructor's super call packs before they are set
        WeightTensor.Type type = packedType();
        int quants = type.blockBytes() - 2;
        long packedBlock = (long) type.blockBytes() * GROUP;
        int blocks = cols / BLOCK;
        float[] floats = new float[BLOCK];
        MemorySegment scratch = MemorySegment.ofArray(new byte[type.blockBytes()]);
        for (int g = from; g < to; g++) {
            for (int b = 0; b < blocks; b++) {
                long at = g * groupBytes + b * packedBlock;
                for (int lane = 0; lane < GROUP; lane++) {
                    long r = (long) g * GROUP + lane;
                    if (r >= rows) {
                        packed.set(SHORT, at + 2L * lane, (short) 0);
                        for (int i = 0; i < quants; i++) {
                            packed.set(ValueLayout.JAVA_BYTE, at + 2L * GROUP + (long) i * GROUP + lane, (byte) 0);
                        }
                        continue;
                    }
                    MemorySegment block;
                    if (tensor.type() == type) {
                        block = tensor.data().asSlice((r * blocks + b) * type.blockBytes(), type.blockBytes());
                    } else {
                        tensor.copyFloats(r * cols + (long) b * BLOCK, BLOCK, floats, 0);
                        BlockQuantizer.quantize(type, floats, 0, scratch, 0);
                        block = scratch;
                    }
                    packed.set(SHORT, at + 2L * lane, block.get(SHORT, 0));
                    for (int i = 0; i < quants; i++) {
                        packed.set(ValueLayout.JAVA_BYTE, at + 2L * GROUP + (long) i * GROUP + lane,
                                block.get(ValueLayout.JAVA_BYTE, 2 + i));
                    }
                }
            }
        }
    }

    /** The {@link #L} fp16 scales at {@code at} as floats (exactly). */
    final FloatVector scales(long at) {
        IntVector half = (IntVector) ShortVector.fromMemorySegment(S, packed, at, LE).convertShape(VectorOperators.S2I, I, 0);
        FloatVector magnitude = half.and(0x7FFF).lanewise(VectorOperators.LSHL, 13).reinterpretAsFloats().mul(HALF_TO_FLOAT);
        return magnitude.reinterpretAsInts().or(half.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }

    /** {@code sums[at, at + GROUP) = fma(low | high, the scales of the block at {@code block}, sums[...])}. */
    final void scaleInto(FloatVector low, FloatVector high, long block, float[] sums, int at) {
        low.fma(scales(block), FloatVector.fromArray(F, sums, at)).intoArray(sums, at);
        high.fma(scales(block + 2L * L), FloatVector.fromArray(F, sums, at + L)).intoArray(sums, at + L);
    }

    @Override
    final void twoTokens(float[] x, int base, int stride, int g, int k0, int k1, float[] sums, int at) {
        for (int u = 0; u < 2; u++) {
            oneToken(x, base + u * stride, g, k0, k1, sums, at + u * GROUP);
        }
    }

    @Override
    final void threeTokens(float[] x, int base, int stride, int g, int k0, int k1, float[] sums, int at) {
        for (int u = 0; u < 3; u++) {
            oneToken(x, base + u * stride, g, k0, k1, sums, at + u * GROUP);
        }
    }
}
