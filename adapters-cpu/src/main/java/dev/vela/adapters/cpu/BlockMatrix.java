package dev.vela.adapters.cpu;

import dev.vela.application.port.out.WeightTensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A matrix of llama.cpp blocks ({@link WeightTensor.Type#Q8_0}, {@link WeightTensor.Type#Q4_0}):
 * 32 consecutive columns of a row share an fp16 scale. The kernels read the blocks as packed, with
 * no float copy of the weights.
 *
 * <p>Packed layout: for each group of {@link #GROUP} rows, for each block of 32 columns, the
 * group's {@code GROUP} fp16 scales as {@link #L} pairs (row {@code i} then row {@code L + i}),
 * then the group's quants of the block ({@link #quantAt}): Q8_0 column by column, the
 * {@code GROUP} rows' signed bytes of a column in row order, so that one load of {@code L} bytes
 * gives {@code L} rows' weights of one column; Q4_0 four bytes of a row as one int (eight nibbles:
 * columns {@code i} and {@code i + 16} for four {@code i}), the group's ints of the same four bytes
 * as two vectors, the first {@code L} rows' then the last {@code L} rows'. Blocks from a file of
 * that type are copied unchanged; float weights are quantized by {@link WeightTensor#quantizeBlock}
 * as they are packed.
 *
 * <p>Each output is, block after block, {@code total = fma(acc, d, total)} with {@code acc} the
 * block's chain of fused multiply-adds of the quants (as floats) by the activations, from zero, in
 * column order (Q4_0: {@code i}, {@code i + 16} for {@code i = 0..15}); every kernel and tile
 * does exactly that, so a sequence's logits do not depend on the batch.
 */
abstract sealed class BlockMatrix extends Matrix permits Q8Matrix, Q4Matrix {

    /** One row group's quant bytes of one column as {@link #L} byte lanes. */
    static final VectorSpecies<Byte> B = VectorWidth.QUARTER_BYTES;
    static final int BLOCK = WeightTensor.BLOCK;
    /** 2^112: an fp16's exponent and mantissa shifted into a float's, times this, is its value (subnormals included). */
    static final float HALF_TO_FLOAT = Float.intBitsToFloat((127 + 112) << 23);

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
                    long scaleAt = at + 4L * (lane % L) + 2L * (lane / L);
                    if (r >= rows) {
                        packed.set(SHORT, scaleAt, (short) 0);
                        for (int i = 0; i < quants; i++) {
                            packed.set(ValueLayout.JAVA_BYTE, at + quantAt(lane, i), (byte) 0);
                        }
                        continue;
                    }
                    MemorySegment block;
                    if (tensor.type() == type) {
                        block = tensor.data().asSlice((r * blocks + b) * type.blockBytes(), type.blockBytes());
                    } else {
                        tensor.copyFloats(r * cols + (long) b * BLOCK, BLOCK, floats, 0);
                        WeightTensor.quantizeBlock(type, floats, 0, scratch, 0);
                        block = scratch;
                    }
                    packed.set(SHORT, scaleAt, block.get(SHORT, 0));
                    for (int i = 0; i < quants; i++) {
                        packed.set(ValueLayout.JAVA_BYTE, at + quantAt(lane, i), block.get(ValueLayout.JAVA_BYTE, 2 + i));
                    }
                }
            }
        }
    }

    /**
     * Where quant byte {@code i} of row {@code lane} of a group lies in a packed block. Called while
     * the constructor packs, so it may read only constants.
     */
    abstract long quantAt(int lane, int i);

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
