package dev.vela.adapters.cpu;

import dev.vela.application.port.out.WeightTensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A weight matrix {@code [rows, cols]}, row-major, read in place from the model's (memory-mapped)
 * weights in float32 or bfloat16, and the matrix-times-activations kernels over it.
 *
 * <p>Every output element is computed by the same sequence of operations whatever the batch, the
 * tiling or the thread: one accumulator per (row, token) takes two fused multiply-adds per step of
 * {@code 2 x lanes} columns, then a fixed tree of lane swaps and adds sums its lanes (in registers;
 * the Vector API's own reduction leaves the order open and it differs between interpreted and
 * compiled code), then the leftover columns are added in order. So a sequence's logits are bit-for-bit the same alone or in a batch. The kernels are
 * written out per weight type, straight-line, because the JIT turns Vector API code into vector
 * instructions only when every call in it inlines.
 */
abstract sealed class Matrix permits Matrix.Bf16, Matrix.F32 {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final int STEP = 2 * L;
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Lane swaps i -> i xor w that sum a vector's lanes in a fixed tree, in registers. */
    static final VectorShuffle<Float> XOR8 = VectorShuffle.fromOp(F, i -> (i ^ 8) & (L - 1));
    static final VectorShuffle<Float> XOR4 = VectorShuffle.fromOp(F, i -> (i ^ 4) & (L - 1));
    static final VectorShuffle<Float> XOR2 = VectorShuffle.fromOp(F, i -> (i ^ 2) & (L - 1));
    static final VectorShuffle<Float> XOR1 = VectorShuffle.fromOp(F, i -> (i ^ 1) & (L - 1));

    final String name;
    final int rows;
    final int cols;
    final MemorySegment data;
    final long rowBytes;
    /** Columns covered by whole vector steps; the rest is added one by one. */
    final int vectorCols;

    private Matrix(WeightTensor tensor, int elementBytes) {
        this.name = tensor.name();
        this.rows = Math.toIntExact(tensor.dim(0));
        this.cols = Math.toIntExact(tensor.dim(1));
        this.data = tensor.data();
        this.rowBytes = (long) cols * elementBytes;
        this.vectorCols = cols - cols % STEP;
    }

    /** The matrix in {@code tensor}, read in place. */
    static Matrix of(WeightTensor tensor) {
        if (tensor.rank() != 2) {
            throw new IllegalArgumentException(tensor.name() + " is not a matrix");
        }
        return switch (tensor.type()) {
            case BF16 -> new Bf16(tensor);
            case F32 -> new F32(tensor);
            case F16 -> throw new IllegalArgumentException(tensor.name()
                    + ": float16 weights are not supported by the CPU runner (convert to bfloat16 or float32)");
        };
    }

    /** True when activations must come split into even and odd columns ({@link Activations#split()}). */
    abstract boolean bf16();

    /** Bytes this matrix occupies. */
    long bytes() {
        return rowBytes * rows;
    }

    /** Row {@code r} as floats (an embedding lookup). */
    abstract void row(int r, float[] out, int offset);

    /**
     * {@code out[t * outStride + outOffset + j] = sum_k x[t][k] * W[j][k]} for rows
     * {@code j in [from, to)} and tokens {@code t in [0, tokens)}.
     */
    final void multiply(Activations x, int tokens, float[] out, int outStride, int outOffset, int from, int to) {
        float[] in = bf16() ? x.split() : x.plain();
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

    /** One row times one token. */
    abstract float one(float[] in, float[] plain, int base, int j);

    /** Four consecutive rows times one token (decode): the token's activations are loaded once per step. */
    abstract void fourRowsOneToken(float[] in, float[] plain, int j, float[] out, int at);

    /** Two rows times four tokens (batches): weights are loaded once per step for four tokens. */
    abstract void twoRowsFourTokens(float[] in, float[] plain, int base, int stride, int j, float[] out,
                                    int at, int outStride);

    /** The leftover columns after the last whole vector step, one by one, in column order. */
    abstract float tail(float[] plain, int base, long row);

    /**
     * bfloat16 weights: a vector of ints holds pairs of them. Shifted left by 16 the ints are the
     * even columns as floats; with the low half masked off, the odd ones. Activations come split
     * into even and odd columns to match.
     */
    static final class Bf16 extends Matrix {

        private final int oddStart;

        Bf16(WeightTensor tensor) {
            super(tensor, 2);
            if (cols % 2 != 0) {
                throw new IllegalArgumentException(tensor.name() + ": a bfloat16 matrix needs an even number of columns");
            }
            this.oddStart = cols / 2;
        }

        @Override
        boolean bf16() {
            return true;
        }

        @Override
        void row(int r, float[] out, int offset) {
            long base = r * rowBytes;
            for (int k = 0; k < cols; k++) {
                out[offset + k] = Float.intBitsToFloat(data.get(SHORT, base + 2L * k) << 16);
            }
        }

        @Override
        float one(float[] in, float[] plain, int base, int j) {
            long row = j * rowBytes;
            int odd = base + oddStart;
            FloatVector acc = FloatVector.zero(F);
            for (int c = 0; c < vectorCols; c += STEP) {
                IntVector w = IntVector.fromMemorySegment(I, data, row + 2L * c, LE);
                acc = w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, in, base + c / 2), acc);
                acc = w.and(0xFFFF0000).reinterpretAsFloats().fma(FloatVector.fromArray(F, in, odd + c / 2), acc);
            }
            if (L >= 16) {
                acc = acc.add(acc.rearrange(XOR8));
            }
            if (L >= 8) {
                acc = acc.add(acc.rearrange(XOR4));
            }
            acc = acc.add(acc.rearrange(XOR2));
            acc = acc.add(acc.rearrange(XOR1));
            return acc.lane(0) + tail(plain, base, row);
        }

        @Override
        void fourRowsOneToken(float[] in, float[] plain, int j, float[] out, int at) {
            long r0 = j * rowBytes;
            long r1 = r0 + rowBytes;
            long r2 = r1 + rowBytes;
            long r3 = r2 + rowBytes;
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            for (int c = 0; c < vectorCols; c += STEP) {
                FloatVector xa = FloatVector.fromArray(F, in, c / 2);
                FloatVector xb = FloatVector.fromArray(F, in, oddStart + c / 2);
                IntVector w0 = IntVector.fromMemorySegment(I, data, r0 + 2L * c, LE);
                IntVector w1 = IntVector.fromMemorySegment(I, data, r1 + 2L * c, LE);
                IntVector w2 = IntVector.fromMemorySegment(I, data, r2 + 2L * c, LE);
                IntVector w3 = IntVector.fromMemorySegment(I, data, r3 + 2L * c, LE);
                acc0 = w0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xa, acc0);
                acc1 = w1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xa, acc1);
                acc2 = w2.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xa, acc2);
                acc3 = w3.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(xa, acc3);
                acc0 = w0.and(0xFFFF0000).reinterpretAsFloats().fma(xb, acc0);
                acc1 = w1.and(0xFFFF0000).reinterpretAsFloats().fma(xb, acc1);
                acc2 = w2.and(0xFFFF0000).reinterpretAsFloats().fma(xb, acc2);
                acc3 = w3.and(0xFFFF0000).reinterpretAsFloats().fma(xb, acc3);
            }
            if (L >= 16) {
                acc0 = acc0.add(acc0.rearrange(XOR8));
            }
            if (L >= 8) {
                acc0 = acc0.add(acc0.rearrange(XOR4));
            }
            acc0 = acc0.add(acc0.rearrange(XOR2));
            acc0 = acc0.add(acc0.rearrange(XOR1));
            out[at] = acc0.lane(0) + tail(plain, 0, r0);
            if (L >= 16) {
                acc1 = acc1.add(acc1.rearrange(XOR8));
            }
            if (L >= 8) {
                acc1 = acc1.add(acc1.rearrange(XOR4));
            }
            acc1 = acc1.add(acc1.rearrange(XOR2));
            acc1 = acc1.add(acc1.rearrange(XOR1));
            out[at + 1] = acc1.lane(0) + tail(plain, 0, r1);
            if (L >= 16) {
                acc2 = acc2.add(acc2.rearrange(XOR8));
            }
            if (L >= 8) {
                acc2 = acc2.add(acc2.rearrange(XOR4));
            }
            acc2 = acc2.add(acc2.rearrange(XOR2));
            acc2 = acc2.add(acc2.rearrange(XOR1));
            out[at + 2] = acc2.lane(0) + tail(plain, 0, r2);
            if (L >= 16) {
                acc3 = acc3.add(acc3.rearrange(XOR8));
            }
            if (L >= 8) {
                acc3 = acc3.add(acc3.rearrange(XOR4));
            }
            acc3 = acc3.add(acc3.rearrange(XOR2));
            acc3 = acc3.add(acc3.rearrange(XOR1));
            out[at + 3] = acc3.lane(0) + tail(plain, 0, r3);
        }

        @Override
        void twoRowsFourTokens(float[] in, float[] plain, int base, int stride, int j, float[] out, int at,
                               int outStride) {
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
                IntVector w0 = IntVector.fromMemorySegment(I, data, r0 + 2L * c, LE);
                IntVector w1 = IntVector.fromMemorySegment(I, data, r1 + 2L * c, LE);
                FloatVector w0a = w0.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                FloatVector w1a = w1.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                int e = c / 2;
                FloatVector x = FloatVector.fromArray(F, in, base + e);
                acc00 = w0a.fma(x, acc00);
                acc10 = w1a.fma(x, acc10);
                x = FloatVector.fromArray(F, in, b1 + e);
                acc01 = w0a.fma(x, acc01);
                acc11 = w1a.fma(x, acc11);
                x = FloatVector.fromArray(F, in, b2 + e);
                acc02 = w0a.fma(x, acc02);
                acc12 = w1a.fma(x, acc12);
                x = FloatVector.fromArray(F, in, b3 + e);
                acc03 = w0a.fma(x, acc03);
                acc13 = w1a.fma(x, acc13);
                FloatVector w0b = w0.and(0xFFFF0000).reinterpretAsFloats();
                FloatVector w1b = w1.and(0xFFFF0000).reinterpretAsFloats();
                int o = oddStart + e;
                x = FloatVector.fromArray(F, in, base + o);
                acc00 = w0b.fma(x, acc00);
                acc10 = w1b.fma(x, acc10);
                x = FloatVector.fromArray(F, in, b1 + o);
                acc01 = w0b.fma(x, acc01);
                acc11 = w1b.fma(x, acc11);
                x = FloatVector.fromArray(F, in, b2 + o);
                acc02 = w0b.fma(x, acc02);
                acc12 = w1b.fma(x, acc12);
                x = FloatVector.fromArray(F, in, b3 + o);
                acc03 = w0b.fma(x, acc03);
                acc13 = w1b.fma(x, acc13);
            }
            if (L >= 16) {
                acc00 = acc00.add(acc00.rearrange(XOR8));
            }
            if (L >= 8) {
                acc00 = acc00.add(acc00.rearrange(XOR4));
            }
            acc00 = acc00.add(acc00.rearrange(XOR2));
            acc00 = acc00.add(acc00.rearrange(XOR1));
            out[at] = acc00.lane(0) + tail(plain, base, r0);
            if (L >= 16) {
                acc01 = acc01.add(acc01.rearrange(XOR8));
            }
            if (L >= 8) {
                acc01 = acc01.add(acc01.rearrange(XOR4));
            }
            acc01 = acc01.add(acc01.rearrange(XOR2));
            acc01 = acc01.add(acc01.rearrange(XOR1));
            out[at + outStride] = acc01.lane(0) + tail(plain, b1, r0);
            if (L >= 16) {
                acc02 = acc02.add(acc02.rearrange(XOR8));
            }
            if (L >= 8) {
                acc02 = acc02.add(acc02.rearrange(XOR4));
            }
            acc02 = acc02.add(acc02.rearrange(XOR2));
            acc02 = acc02.add(acc02.rearrange(XOR1));
            out[at + 2 * outStride] = acc02.lane(0) + tail(plain, b2, r0);
            if (L >= 16) {
                acc03 = acc03.add(acc03.rearrange(XOR8));
            }
            if (L >= 8) {
                acc03 = acc03.add(acc03.rearrange(XOR4));
            }
            acc03 = acc03.add(acc03.rearrange(XOR2));
            acc03 = acc03.add(acc03.rearrange(XOR1));
            out[at + 3 * outStride] = acc03.lane(0) + tail(plain, b3, r0);
            if (L >= 16) {
                acc10 = acc10.add(acc10.rearrange(XOR8));
            }
            if (L >= 8) {
                acc10 = acc10.add(acc10.rearrange(XOR4));
            }
            acc10 = acc10.add(acc10.rearrange(XOR2));
            acc10 = acc10.add(acc10.rearrange(XOR1));
            out[at + 1] = acc10.lane(0) + tail(plain, base, r1);
            if (L >= 16) {
                acc11 = acc11.add(acc11.rearrange(XOR8));
            }
            if (L >= 8) {
                acc11 = acc11.add(acc11.rearrange(XOR4));
            }
            acc11 = acc11.add(acc11.rearrange(XOR2));
            acc11 = acc11.add(acc11.rearrange(XOR1));
            out[at + 1 + outStride] = acc11.lane(0) + tail(plain, b1, r1);
            if (L >= 16) {
                acc12 = acc12.add(acc12.rearrange(XOR8));
            }
            if (L >= 8) {
                acc12 = acc12.add(acc12.rearrange(XOR4));
            }
            acc12 = acc12.add(acc12.rearrange(XOR2));
            acc12 = acc12.add(acc12.rearrange(XOR1));
            out[at + 1 + 2 * outStride] = acc12.lane(0) + tail(plain, b2, r1);
            if (L >= 16) {
                acc13 = acc13.add(acc13.rearrange(XOR8));
            }
            if (L >= 8) {
                acc13 = acc13.add(acc13.rearrange(XOR4));
            }
            acc13 = acc13.add(acc13.rearrange(XOR2));
            acc13 = acc13.add(acc13.rearrange(XOR1));
            out[at + 1 + 3 * outStride] = acc13.lane(0) + tail(plain, b3, r1);
        }

        @Override
        float tail(float[] plain, int base, long row) {
            float sum = 0f;
            for (int k = vectorCols; k < cols; k++) {
                sum += Float.intBitsToFloat(data.get(SHORT, row + 2L * k) << 16) * plain[base + k];
            }
            return sum;
        }
    }

    /** float32 weights, read as they are. */
    static final class F32 extends Matrix {

        F32(WeightTensor tensor) {
            super(tensor, 4);
        }

        @Override
        boolean bf16() {
            return false;
        }

        @Override
        void row(int r, float[] out, int offset) {
            MemorySegment.copy(data, FLOAT, r * rowBytes, out, offset, cols);
        }

        @Override
        float one(float[] in, float[] plain, int base, int j) {
            long row = j * rowBytes;
            FloatVector acc = FloatVector.zero(F);
            for (int c = 0; c < vectorCols; c += STEP) {
                acc = FloatVector.fromMemorySegment(F, data, row + 4L * c, LE).fma(FloatVector.fromArray(F, in, base + c), acc);
                acc = FloatVector.fromMemorySegment(F, data, row + 4L * (c + L), LE)
                        .fma(FloatVector.fromArray(F, in, base + c + L), acc);
            }
            if (L >= 16) {
                acc = acc.add(acc.rearrange(XOR8));
            }
            if (L >= 8) {
                acc = acc.add(acc.rearrange(XOR4));
            }
            acc = acc.add(acc.rearrange(XOR2));
            acc = acc.add(acc.rearrange(XOR1));
            return acc.lane(0) + tail(plain, base, row);
        }

        @Override
        void fourRowsOneToken(float[] in, float[] plain, int j, float[] out, int at) {
            long r0 = j * rowBytes;
            long r1 = r0 + rowBytes;
            long r2 = r1 + rowBytes;
            long r3 = r2 + rowBytes;
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            for (int c = 0; c < vectorCols; c += STEP) {
                FloatVector xa = FloatVector.fromArray(F, in, c);
                FloatVector xb = FloatVector.fromArray(F, in, c + L);
                acc0 = FloatVector.fromMemorySegment(F, data, r0 + 4L * c, LE).fma(xa, acc0);
                acc1 = FloatVector.fromMemorySegment(F, data, r1 + 4L * c, LE).fma(xa, acc1);
                acc2 = FloatVector.fromMemorySegment(F, data, r2 + 4L * c, LE).fma(xa, acc2);
                acc3 = FloatVector.fromMemorySegment(F, data, r3 + 4L * c, LE).fma(xa, acc3);
                acc0 = FloatVector.fromMemorySegment(F, data, r0 + 4L * (c + L), LE).fma(xb, acc0);
                acc1 = FloatVector.fromMemorySegment(F, data, r1 + 4L * (c + L), LE).fma(xb, acc1);
                acc2 = FloatVector.fromMemorySegment(F, data, r2 + 4L * (c + L), LE).fma(xb, acc2);
                acc3 = FloatVector.fromMemorySegment(F, data, r3 + 4L * (c + L), LE).fma(xb, acc3);
            }
            if (L >= 16) {
                acc0 = acc0.add(acc0.rearrange(XOR8));
            }
            if (L >= 8) {
                acc0 = acc0.add(acc0.rearrange(XOR4));
            }
            acc0 = acc0.add(acc0.rearrange(XOR2));
            acc0 = acc0.add(acc0.rearrange(XOR1));
            out[at] = acc0.lane(0) + tail(plain, 0, r0);
            if (L >= 16) {
                acc1 = acc1.add(acc1.rearrange(XOR8));
            }
            if (L >= 8) {
                acc1 = acc1.add(acc1.rearrange(XOR4));
            }
            acc1 = acc1.add(acc1.rearrange(XOR2));
            acc1 = acc1.add(acc1.rearrange(XOR1));
            out[at + 1] = acc1.lane(0) + tail(plain, 0, r1);
            if (L >= 16) {
                acc2 = acc2.add(acc2.rearrange(XOR8));
            }
            if (L >= 8) {
                acc2 = acc2.add(acc2.rearrange(XOR4));
            }
            acc2 = acc2.add(acc2.rearrange(XOR2));
            acc2 = acc2.add(acc2.rearrange(XOR1));
            out[at + 2] = acc2.lane(0) + tail(plain, 0, r2);
            if (L >= 16) {
                acc3 = acc3.add(acc3.rearrange(XOR8));
            }
            if (L >= 8) {
                acc3 = acc3.add(acc3.rearrange(XOR4));
            }
            acc3 = acc3.add(acc3.rearrange(XOR2));
            acc3 = acc3.add(acc3.rearrange(XOR1));
            out[at + 3] = acc3.lane(0) + tail(plain, 0, r3);
        }

        @Override
        void twoRowsFourTokens(float[] in, float[] plain, int base, int stride, int j, float[] out, int at,
                               int outStride) {
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
                for (int half = 0; half < STEP; half += L) {
                    int k = c + half;
                    FloatVector w0 = FloatVector.fromMemorySegment(F, data, r0 + 4L * k, LE);
                    FloatVector w1 = FloatVector.fromMemorySegment(F, data, r1 + 4L * k, LE);
                    FloatVector x = FloatVector.fromArray(F, in, base + k);
                    acc00 = w0.fma(x, acc00);
                    acc10 = w1.fma(x, acc10);
                    x = FloatVector.fromArray(F, in, b1 + k);
                    acc01 = w0.fma(x, acc01);
                    acc11 = w1.fma(x, acc11);
                    x = FloatVector.fromArray(F, in, b2 + k);
                    acc02 = w0.fma(x, acc02);
                    acc12 = w1.fma(x, acc12);
                    x = FloatVector.fromArray(F, in, b3 + k);
                    acc03 = w0.fma(x, acc03);
                    acc13 = w1.fma(x, acc13);
                }
            }
            if (L >= 16) {
                acc00 = acc00.add(acc00.rearrange(XOR8));
            }
            if (L >= 8) {
                acc00 = acc00.add(acc00.rearrange(XOR4));
            }
            acc00 = acc00.add(acc00.rearrange(XOR2));
            acc00 = acc00.add(acc00.rearrange(XOR1));
            out[at] = acc00.lane(0) + tail(plain, base, r0);
            if (L >= 16) {
                acc01 = acc01.add(acc01.rearrange(XOR8));
            }
            if (L >= 8) {
                acc01 = acc01.add(acc01.rearrange(XOR4));
            }
            acc01 = acc01.add(acc01.rearrange(XOR2));
            acc01 = acc01.add(acc01.rearrange(XOR1));
            out[at + outStride] = acc01.lane(0) + tail(plain, b1, r0);
            if (L >= 16) {
                acc02 = acc02.add(acc02.rearrange(XOR8));
            }
            if (L >= 8) {
                acc02 = acc02.add(acc02.rearrange(XOR4));
            }
            acc02 = acc02.add(acc02.rearrange(XOR2));
            acc02 = acc02.add(acc02.rearrange(XOR1));
            out[at + 2 * outStride] = acc02.lane(0) + tail(plain, b2, r0);
            if (L >= 16) {
                acc03 = acc03.add(acc03.rearrange(XOR8));
            }
            if (L >= 8) {
                acc03 = acc03.add(acc03.rearrange(XOR4));
            }
            acc03 = acc03.add(acc03.rearrange(XOR2));
            acc03 = acc03.add(acc03.rearrange(XOR1));
            out[at + 3 * outStride] = acc03.lane(0) + tail(plain, b3, r0);
            if (L >= 16) {
                acc10 = acc10.add(acc10.rearrange(XOR8));
            }
            if (L >= 8) {
                acc10 = acc10.add(acc10.rearrange(XOR4));
            }
            acc10 = acc10.add(acc10.rearrange(XOR2));
            acc10 = acc10.add(acc10.rearrange(XOR1));
            out[at + 1] = acc10.lane(0) + tail(plain, base, r1);
            if (L >= 16) {
                acc11 = acc11.add(acc11.rearrange(XOR8));
            }
            if (L >= 8) {
                acc11 = acc11.add(acc11.rearrange(XOR4));
            }
            acc11 = acc11.add(acc11.rearrange(XOR2));
            acc11 = acc11.add(acc11.rearrange(XOR1));
            out[at + 1 + outStride] = acc11.lane(0) + tail(plain, b1, r1);
            if (L >= 16) {
                acc12 = acc12.add(acc12.rearrange(XOR8));
            }
            if (L >= 8) {
                acc12 = acc12.add(acc12.rearrange(XOR4));
            }
            acc12 = acc12.add(acc12.rearrange(XOR2));
            acc12 = acc12.add(acc12.rearrange(XOR1));
            out[at + 1 + 2 * outStride] = acc12.lane(0) + tail(plain, b2, r1);
            if (L >= 16) {
                acc13 = acc13.add(acc13.rearrange(XOR8));
            }
            if (L >= 8) {
                acc13 = acc13.add(acc13.rearrange(XOR4));
            }
            acc13 = acc13.add(acc13.rearrange(XOR2));
            acc13 = acc13.add(acc13.rearrange(XOR1));
            out[at + 1 + 3 * outStride] = acc13.lane(0) + tail(plain, b3, r1);
        }

        @Override
        float tail(float[] plain, int base, long row) {
            float sum = 0f;
            for (int k = vectorCols; k < cols; k++) {
                sum += data.get(FLOAT, row + 4L * k) * plain[base + k];
            }
            return sum;
        }
    }
}
