package dev.vela.adapters.cpu;

import dev.vela.application.port.out.WeightTensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A weight matrix {@code [rows, cols]}, row-major, read in place from the model's (memory-mapped)
 * weights in float32 or bfloat16, and the matrix-times-activations kernels over it.
 *
 * <p>Every output element is computed by the same sequence of operations whatever the batch, the
 * tiling or the thread: one accumulator per (row, token) takes two fused multiply-adds per step of
 * {@code 2 x lanes} columns, then a fixed tree sums its lanes, then the leftover columns are added
 * in order. So a sequence's logits are bit-for-bit the same alone or in a batch. For bfloat16 a
 * vector of ints holds pairs of weights: shifted left by 16 they are the even columns as floats,
 * with the low half masked off the odd ones; activations come split accordingly
 * ({@link Activations#split()}).
 */
final class Matrix {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    private static final int STEP = 2 * L;
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    final String name;
    final int rows;
    final int cols;
    private final boolean bf16;
    private final MemorySegment data;
    private final long rowBytes;
    /** Columns covered by whole vector steps; the rest is added one by one. */
    private final int vectorCols;
    /** Where the odd columns start in a split activation row. */
    private final int oddStart;

    Matrix(WeightTensor tensor) {
        if (tensor.rank() != 2) {
            throw new IllegalArgumentException(tensor.name() + " is not a matrix");
        }
        if (tensor.type() == WeightTensor.Type.F16) {
            throw new IllegalArgumentException(tensor.name() + ": float16 weights are not supported by the CPU runner "
                    + "(convert to bfloat16 or float32)");
        }
        this.name = tensor.name();
        this.rows = Math.toIntExact(tensor.dim(0));
        this.cols = Math.toIntExact(tensor.dim(1));
        this.bf16 = tensor.type() == WeightTensor.Type.BF16;
        if (bf16 && cols % 2 != 0) {
            throw new IllegalArgumentException(tensor.name() + ": a bfloat16 matrix needs an even number of columns");
        }
        this.data = tensor.data();
        this.rowBytes = (long) cols * tensor.type().bytes();
        this.vectorCols = cols - cols % STEP;
        this.oddStart = cols / 2;
    }

    boolean bf16() {
        return bf16;
    }

    /** Bytes this matrix occupies. */
    long bytes() {
        return rowBytes * rows;
    }

    /** Row {@code r} as floats (an embedding lookup). */
    void row(int r, float[] out, int offset) {
        long base = r * rowBytes;
        if (bf16) {
            for (int k = 0; k < cols; k++) {
                out[offset + k] = Float.intBitsToFloat(data.get(SHORT, base + 2L * k) << 16);
            }
        } else {
            MemorySegment.copy(data, FLOAT, base, out, offset, cols);
        }
    }

    /**
     * {@code out[t * outStride + outOffset + j] = sum_k x[t][k] * W[j][k]} for rows
     * {@code j in [from, to)} and tokens {@code t in [0, tokens)}.
     */
    void multiply(Activations x, int tokens, float[] out, int outStride, int outOffset, int from, int to) {
        float[] in = bf16 ? x.split() : x.plain();
        float[] plain = x.plain();
        int width = x.width();
        if (tokens == 1) {
            int j = from;
            for (; j + 4 <= to; j += 4) {
                fourRowsOneToken(in, plain, j, out, outOffset + j);
            }
            for (; j < to; j++) {
                out[outOffset + j] = one(in, plain, 0, j);
            }
            return;
        }
        int j = from;
        for (; j + 2 <= to; j += 2) {
            int t = 0;
            for (; t + 4 <= tokens; t += 4) {
                twoRowsFourTokens(in, plain, t * width, width, j, out, t * outStride + outOffset + j, outStride);
            }
            for (; t < tokens; t++) {
                out[t * outStride + outOffset + j] = one(in, plain, t * width, j);
                out[t * outStride + outOffset + j + 1] = one(in, plain, t * width, j + 1);
            }
        }
        for (; j < to; j++) {
            for (int t = 0; t < tokens; t++) {
                out[t * outStride + outOffset + j] = one(in, plain, t * width, j);
            }
        }
    }

    /** The weights of row {@code row} for columns {@code [c, c + STEP)}: the first and second vector of the step. */
    private FloatVector first(long row, int c) {
        return bf16 ? even(IntVector.fromMemorySegment(I, data, row + 2L * c, LE))
                : FloatVector.fromMemorySegment(F, data, row + 4L * c, LE);
    }

    /** Activation offsets of a step: where its first and second vector start. */
    private int firstAt(int c) {
        return bf16 ? c / 2 : c;
    }

    private int secondAt(int c) {
        return bf16 ? oddStart + c / 2 : c + L;
    }

    /** One row times one token. */
    private float one(float[] in, float[] plain, int base, int j) {
        long row = j * rowBytes;
        FloatVector acc = FloatVector.zero(F);
        for (int c = 0; c < vectorCols; c += STEP) {
            FloatVector wa;
            FloatVector wb;
            if (bf16) {
                IntVector w = IntVector.fromMemorySegment(I, data, row + 2L * c, LE);
                wa = even(w);
                wb = odd(w);
            } else {
                wa = FloatVector.fromMemorySegment(F, data, row + 4L * c, LE);
                wb = FloatVector.fromMemorySegment(F, data, row + 4L * (c + L), LE);
            }
            acc = wa.fma(FloatVector.fromArray(F, in, base + firstAt(c)), acc);
            acc = wb.fma(FloatVector.fromArray(F, in, base + secondAt(c)), acc);
        }
        return VectorMath.sum(acc) + tail(plain, base, row);
    }

    /** Four consecutive rows times one token (decode): the token's activations are loaded once per step. */
    private void fourRowsOneToken(float[] in, float[] plain, int j, float[] out, int at) {
        long r0 = j * rowBytes;
        long r1 = r0 + rowBytes;
        long r2 = r1 + rowBytes;
        long r3 = r2 + rowBytes;
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        FloatVector acc2 = FloatVector.zero(F);
        FloatVector acc3 = FloatVector.zero(F);
        for (int c = 0; c < vectorCols; c += STEP) {
            FloatVector xa = FloatVector.fromArray(F, in, firstAt(c));
            FloatVector xb = FloatVector.fromArray(F, in, secondAt(c));
            if (bf16) {
                IntVector w0 = IntVector.fromMemorySegment(I, data, r0 + 2L * c, LE);
                IntVector w1 = IntVector.fromMemorySegment(I, data, r1 + 2L * c, LE);
                IntVector w2 = IntVector.fromMemorySegment(I, data, r2 + 2L * c, LE);
                IntVector w3 = IntVector.fromMemorySegment(I, data, r3 + 2L * c, LE);
                acc0 = odd(w0).fma(xb, even(w0).fma(xa, acc0));
                acc1 = odd(w1).fma(xb, even(w1).fma(xa, acc1));
                acc2 = odd(w2).fma(xb, even(w2).fma(xa, acc2));
                acc3 = odd(w3).fma(xb, even(w3).fma(xa, acc3));
            } else {
                acc0 = floats(r0, c + L).fma(xb, floats(r0, c).fma(xa, acc0));
                acc1 = floats(r1, c + L).fma(xb, floats(r1, c).fma(xa, acc1));
                acc2 = floats(r2, c + L).fma(xb, floats(r2, c).fma(xa, acc2));
                acc3 = floats(r3, c + L).fma(xb, floats(r3, c).fma(xa, acc3));
            }
        }
        out[at] = VectorMath.sum(acc0) + tail(plain, 0, r0);
        out[at + 1] = VectorMath.sum(acc1) + tail(plain, 0, r1);
        out[at + 2] = VectorMath.sum(acc2) + tail(plain, 0, r2);
        out[at + 3] = VectorMath.sum(acc3) + tail(plain, 0, r3);
    }

    /** Two rows times four tokens (batches): weights are loaded once per step for four tokens, activations once for two rows. */
    private void twoRowsFourTokens(float[] in, float[] plain, int base, int stride, int j, float[] out, int at, int outStride) {
        long r0 = j * rowBytes;
        long r1 = r0 + rowBytes;
        int b1 = base + stride;
        int b2 = b1 + stride;
        int b3 = b2 + stride;
        FloatVector acc00 = FloatVector.zero(F);
        FloatVector acc01 = FloatVector.zero(F);
        FloatVector acc02 = FloatVector.zero(F);
        FloatVector acc03 = FloatVector.zero(F);
        FloatVector acc10 = FloatVector.zero(F);
        FloatVector acc11 = FloatVector.zero(F);
        FloatVector acc12 = FloatVector.zero(F);
        FloatVector acc13 = FloatVector.zero(F);
        for (int c = 0; c < vectorCols; c += STEP) {
            FloatVector w0a;
            FloatVector w0b;
            FloatVector w1a;
            FloatVector w1b;
            if (bf16) {
                IntVector w0 = IntVector.fromMemorySegment(I, data, r0 + 2L * c, LE);
                IntVector w1 = IntVector.fromMemorySegment(I, data, r1 + 2L * c, LE);
                w0a = even(w0);
                w0b = odd(w0);
                w1a = even(w1);
                w1b = odd(w1);
            } else {
                w0a = floats(r0, c);
                w0b = floats(r0, c + L);
                w1a = floats(r1, c);
                w1b = floats(r1, c + L);
            }
            int fa = firstAt(c);
            int fb = secondAt(c);
            FloatVector xa = FloatVector.fromArray(F, in, base + fa);
            FloatVector xb = FloatVector.fromArray(F, in, base + fb);
            acc00 = w0b.fma(xb, w0a.fma(xa, acc00));
            acc10 = w1b.fma(xb, w1a.fma(xa, acc10));
            xa = FloatVector.fromArray(F, in, b1 + fa);
            xb = FloatVector.fromArray(F, in, b1 + fb);
            acc01 = w0b.fma(xb, w0a.fma(xa, acc01));
            acc11 = w1b.fma(xb, w1a.fma(xa, acc11));
            xa = FloatVector.fromArray(F, in, b2 + fa);
            xb = FloatVector.fromArray(F, in, b2 + fb);
            acc02 = w0b.fma(xb, w0a.fma(xa, acc02));
            acc12 = w1b.fma(xb, w1a.fma(xa, acc12));
            xa = FloatVector.fromArray(F, in, b3 + fa);
            xb = FloatVector.fromArray(F, in, b3 + fb);
            acc03 = w0b.fma(xb, w0a.fma(xa, acc03));
            acc13 = w1b.fma(xb, w1a.fma(xa, acc13));
        }
        out[at] = VectorMath.sum(acc00) + tail(plain, base, r0);
        out[at + outStride] = VectorMath.sum(acc01) + tail(plain, b1, r0);
        out[at + 2 * outStride] = VectorMath.sum(acc02) + tail(plain, b2, r0);
        out[at + 3 * outStride] = VectorMath.sum(acc03) + tail(plain, b3, r0);
        out[at + 1] = VectorMath.sum(acc10) + tail(plain, base, r1);
        out[at + 1 + outStride] = VectorMath.sum(acc11) + tail(plain, b1, r1);
        out[at + 1 + 2 * outStride] = VectorMath.sum(acc12) + tail(plain, b2, r1);
        out[at + 1 + 3 * outStride] = VectorMath.sum(acc13) + tail(plain, b3, r1);
    }

    private FloatVector floats(long row, int c) {
        return FloatVector.fromMemorySegment(F, data, row + 4L * c, LE);
    }

    private static FloatVector even(IntVector pairs) {
        return pairs.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }

    private static FloatVector odd(IntVector pairs) {
        return pairs.and(0xFFFF0000).reinterpretAsFloats();
    }

    /** The columns after the last whole vector step, one by one, in column order. */
    private float tail(float[] plain, int base, long row) {
        if (vectorCols == cols) {
            return 0f;
        }
        float sum = 0f;
        for (int k = vectorCols; k < cols; k++) {
            float w = bf16 ? Float.intBitsToFloat(data.get(SHORT, row + 2L * k) << 16) : data.get(FLOAT, row + 4L * k);
            sum += w * plain[base + k];
        }
        return sum;
    }
}
