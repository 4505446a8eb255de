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
 * {@code 2 x lanes} columns; the kernels leave their accumulators in a small per-thread array and
 * {@link #lanes(float[], int)} sums each one's lanes by a fixed tree (the Vector API's own reduction
 * leaves the order open and it differs between interpreted and compiled code); then the leftover
 * columns are added in order. So a sequence's logits are bit-for-bit the same alone or in a batch.
 * The kernels are written out per weight type without calls, because the JIT turns Vector API code
 * into vector instructions only when every call in it inlines.
 */
abstract sealed class Matrix permits Matrix.Bf16, Matrix.F32 {

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final VectorSpecies<Integer> I = IntVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final int STEP = 2 * L;
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Weight bytes per row block of a batched product: well inside a core's L2 cache, beside the activations. */
    static final long BLOCK_BYTES = 96 << 10;
    /** Each thread's accumulators of one kernel call: up to twelve vectors. */
    private static final ThreadLocal<float[]> SUMS = ThreadLocal.withInitial(() -> new float[12 * L]);

    final String name;
    final int rows;
    final int cols;
    final MemorySegment data;
    final long rowBytes;
    /** Columns covered by whole vector steps; the rest is added one by one. */
    final int vectorCols;
    /** Rows per block of a batched product: a multiple of three, about {@link #BLOCK_BYTES} of weights. */
    final int blockRows;

    private Matrix(WeightTensor tensor, int elementBytes) {
        this.name = tensor.name();
        this.rows = Math.toIntExact(tensor.dim(0));
        this.cols = Math.toIntExact(tensor.dim(1));
        this.data = tensor.data();
        this.rowBytes = (long) cols * elementBytes;
        this.vectorCols = cols - cols % STEP;
        this.blockRows = Math.max(3, (int) (BLOCK_BYTES / rowBytes) / 3 * 3);
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
     *
     * <p>One token (decode) streams the rows once, four at a time. A batch goes through the rows in
     * blocks that stay in the core's L2 cache: each block is read from memory once and then used by
     * every group of four tokens, whose activations stay in L1, three rows by four tokens at a time.
     */
    final void multiply(Activations x, int tokens, float[] out, int outStride, int outOffset, int from, int to) {
        float[] in = bf16() ? x.split() : x.plain();
        float[] plain = x.plain();
        int width = x.width();
        float[] sums = SUMS.get();
        if (tokens == 1) {
            oneToken(in, plain, 0, sums, out, outOffset, from, to);
            return;
        }
        for (int lo = from; lo < to; lo += blockRows) {
            int hi = Math.min(to, lo + blockRows);
            int t = 0;
            for (; t + 4 <= tokens; t += 4) {
                int at = t * outStride + outOffset;
                int j = lo;
                for (; j + 3 <= hi; j += 3) {
                    threeRowsFourTokens(in, t * width, width, j, sums);
                    for (int r = 0; r < 3; r++) {
                        for (int u = 0; u < 4; u++) {
                            out[at + u * outStride + j + r] = sum(sums, 4 * r + u, plain, (t + u) * width, j + r);
                        }
                    }
                }
                for (; j < hi; j++) {
                    for (int u = 0; u < 4; u++) {
                        oneRowOneToken(in, (t + u) * width, j, sums);
                        out[at + u * outStride + j] = sum(sums, 0, plain, (t + u) * width, j);
                    }
                }
            }
            for (; t < tokens; t++) {
                oneToken(in, plain, t * width, sums, out, t * outStride + outOffset, lo, hi);
            }
        }
    }

    /** Rows {@code [from, to)} times the token at {@code base}, written at {@code out[at + j]}. */
    private void oneToken(float[] in, float[] plain, int base, float[] sums, float[] out, int at, int from, int to) {
        int j = from;
        for (; j + 4 <= to; j += 4) {
            fourRowsOneToken(in, base, j, sums);
            for (int r = 0; r < 4; r++) {
                out[at + j + r] = sum(sums, r, plain, base, j + r);
            }
        }
        for (; j < to; j++) {
            oneRowOneToken(in, base, j, sums);
            out[at + j] = sum(sums, 0, plain, base, j);
        }
    }

    /** The product of row {@code row} and the token at {@code base} whose accumulator is vector {@code vector} of {@code sums}. */
    private float sum(float[] sums, int vector, float[] plain, int base, int row) {
        float sum = lanes(sums, vector * L);
        return vectorCols < cols ? sum + tail(plain, base, row * rowBytes) : sum;
    }

    /**
     * The sum of the {@code L} lanes at {@code sums[at]}: halves folded onto each other, a fixed
     * tree of pairwise adds.
     */
    static float lanes(float[] sums, int at) {
        if (L == 8) {
            return ((sums[at] + sums[at + 4]) + (sums[at + 2] + sums[at + 6]))
                    + ((sums[at + 1] + sums[at + 5]) + (sums[at + 3] + sums[at + 7]));
        }
        for (int width = L / 2; width >= 1; width /= 2) {
            for (int i = 0; i < width; i++) {
                sums[at + i] += sums[at + i + width];
            }
        }
        return sums[at];
    }

    /** One row times one token: leaves one accumulator in {@code sums}. */
    abstract void oneRowOneToken(float[] in, int base, int j, float[] sums);

    /**
     * Four consecutive rows times one token (decode): the token's activations are loaded once per
     * step; leaves the rows' four accumulators in {@code sums}.
     */
    abstract void fourRowsOneToken(float[] in, int base, int j, float[] sums);

    /**
     * Three rows times four tokens (batches): each weight vector is converted once for four tokens,
     * each activation vector loaded once for three rows; the twelve accumulators stay in registers
     * and are left, row by row, token by token, in {@code sums}.
     */
    abstract void threeRowsFourTokens(float[] in, int base, int stride, int j, float[] sums);

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
        void oneRowOneToken(float[] in, int base, int j, float[] sums) {
            long row = j * rowBytes;
            int odd = base + oddStart;
            FloatVector acc = FloatVector.zero(F);
            for (int c = 0; c < vectorCols; c += STEP) {
                IntVector w = IntVector.fromMemorySegment(I, data, row + 2L * c, LE);
                acc = w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(FloatVector.fromArray(F, in, base + c / 2), acc);
                acc = w.and(0xFFFF0000).reinterpretAsFloats().fma(FloatVector.fromArray(F, in, odd + c / 2), acc);
            }
            acc.intoArray(sums, 0);
        }

        @Override
        void fourRowsOneToken(float[] in, int base, int j, float[] sums) {
            long r0 = j * rowBytes;
            long r1 = r0 + rowBytes;
            long r2 = r1 + rowBytes;
            long r3 = r2 + rowBytes;
            int odd = base + oddStart;
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            for (int c = 0; c < vectorCols; c += STEP) {
                FloatVector xa = FloatVector.fromArray(F, in, base + c / 2);
                FloatVector xb = FloatVector.fromArray(F, in, odd + c / 2);
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
            acc0.intoArray(sums, 0);
            acc1.intoArray(sums, L);
            acc2.intoArray(sums, 2 * L);
            acc3.intoArray(sums, 3 * L);
        }

        @Override
        void threeRowsFourTokens(float[] in, int base, int stride, int j, float[] sums) {
            long r0 = j * rowBytes;
            long r1 = r0 + rowBytes;
            long r2 = r1 + rowBytes;
            int b1 = base + stride;
            int b2 = b1 + stride;
            int b3 = b2 + stride;
            FloatVector acc00 = FloatVector.zero(F);
            FloatVector acc01 = acc00;
            FloatVector acc02 = acc00;
            FloatVector acc03 = acc00;
            FloatVector acc10 = acc00;
            FloatVector acc11 = acc00;
            FloatVector acc12 = acc00;
            FloatVector acc13 = acc00;
            FloatVector acc20 = acc00;
            FloatVector acc21 = acc00;
            FloatVector acc22 = acc00;
            FloatVector acc23 = acc00;
            int steps = vectorCols / 2;
            for (int e = 0; e < steps; e += L) {
                // even columns first, then odd ones: the order of the one-token kernels
                for (int odd = 0; odd < 2; odd++) {
                    int k = odd * oddStart + e;
                    FloatVector x0 = FloatVector.fromArray(F, in, base + k);
                    FloatVector x1 = FloatVector.fromArray(F, in, b1 + k);
                    FloatVector x2 = FloatVector.fromArray(F, in, b2 + k);
                    FloatVector x3 = FloatVector.fromArray(F, in, b3 + k);
                    IntVector pairs = IntVector.fromMemorySegment(I, data, r0 + 4L * e, LE);
                    FloatVector w = (odd == 0 ? pairs.lanewise(VectorOperators.LSHL, 16) : pairs.and(0xFFFF0000))
                            .reinterpretAsFloats();
                    acc00 = w.fma(x0, acc00);
                    acc01 = w.fma(x1, acc01);
                    acc02 = w.fma(x2, acc02);
                    acc03 = w.fma(x3, acc03);
                    pairs = IntVector.fromMemorySegment(I, data, r1 + 4L * e, LE);
                    w = (odd == 0 ? pairs.lanewise(VectorOperators.LSHL, 16) : pairs.and(0xFFFF0000)).reinterpretAsFloats();
                    acc10 = w.fma(x0, acc10);
                    acc11 = w.fma(x1, acc11);
                    acc12 = w.fma(x2, acc12);
                    acc13 = w.fma(x3, acc13);
                    pairs = IntVector.fromMemorySegment(I, data, r2 + 4L * e, LE);
                    w = (odd == 0 ? pairs.lanewise(VectorOperators.LSHL, 16) : pairs.and(0xFFFF0000)).reinterpretAsFloats();
                    acc20 = w.fma(x0, acc20);
                    acc21 = w.fma(x1, acc21);
                    acc22 = w.fma(x2, acc22);
                    acc23 = w.fma(x3, acc23);
                }
            }
            acc00.intoArray(sums, 0);
            acc01.intoArray(sums, L);
            acc02.intoArray(sums, 2 * L);
            acc03.intoArray(sums, 3 * L);
            acc10.intoArray(sums, 4 * L);
            acc11.intoArray(sums, 5 * L);
            acc12.intoArray(sums, 6 * L);
            acc13.intoArray(sums, 7 * L);
            acc20.intoArray(sums, 8 * L);
            acc21.intoArray(sums, 9 * L);
            acc22.intoArray(sums, 10 * L);
            acc23.intoArray(sums, 11 * L);
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
        void oneRowOneToken(float[] in, int base, int j, float[] sums) {
            long row = j * rowBytes;
            FloatVector acc = FloatVector.zero(F);
            for (int c = 0; c < vectorCols; c += STEP) {
                acc = FloatVector.fromMemorySegment(F, data, row + 4L * c, LE).fma(FloatVector.fromArray(F, in, base + c), acc);
                acc = FloatVector.fromMemorySegment(F, data, row + 4L * (c + L), LE)
                        .fma(FloatVector.fromArray(F, in, base + c + L), acc);
            }
            acc.intoArray(sums, 0);
        }

        @Override
        void fourRowsOneToken(float[] in, int base, int j, float[] sums) {
            long r0 = j * rowBytes;
            long r1 = r0 + rowBytes;
            long r2 = r1 + rowBytes;
            long r3 = r2 + rowBytes;
            FloatVector acc0 = FloatVector.zero(F);
            FloatVector acc1 = FloatVector.zero(F);
            FloatVector acc2 = FloatVector.zero(F);
            FloatVector acc3 = FloatVector.zero(F);
            for (int c = 0; c < vectorCols; c += STEP) {
                FloatVector xa = FloatVector.fromArray(F, in, base + c);
                FloatVector xb = FloatVector.fromArray(F, in, base + c + L);
                acc0 = FloatVector.fromMemorySegment(F, data, r0 + 4L * c, LE).fma(xa, acc0);
                acc1 = FloatVector.fromMemorySegment(F, data, r1 + 4L * c, LE).fma(xa, acc1);
                acc2 = FloatVector.fromMemorySegment(F, data, r2 + 4L * c, LE).fma(xa, acc2);
                acc3 = FloatVector.fromMemorySegment(F, data, r3 + 4L * c, LE).fma(xa, acc3);
                acc0 = FloatVector.fromMemorySegment(F, data, r0 + 4L * (c + L), LE).fma(xb, acc0);
                acc1 = FloatVector.fromMemorySegment(F, data, r1 + 4L * (c + L), LE).fma(xb, acc1);
                acc2 = FloatVector.fromMemorySegment(F, data, r2 + 4L * (c + L), LE).fma(xb, acc2);
                acc3 = FloatVector.fromMemorySegment(F, data, r3 + 4L * (c + L), LE).fma(xb, acc3);
            }
            acc0.intoArray(sums, 0);
            acc1.intoArray(sums, L);
            acc2.intoArray(sums, 2 * L);
            acc3.intoArray(sums, 3 * L);
        }

        @Override
        void threeRowsFourTokens(float[] in, int base, int stride, int j, float[] sums) {
            long r0 = j * rowBytes;
            long r1 = r0 + rowBytes;
            long r2 = r1 + rowBytes;
            int b1 = base + stride;
            int b2 = b1 + stride;
            int b3 = b2 + stride;
            FloatVector acc00 = FloatVector.zero(F);
            FloatVector acc01 = acc00;
            FloatVector acc02 = acc00;
            FloatVector acc03 = acc00;
            FloatVector acc10 = acc00;
            FloatVector acc11 = acc00;
            FloatVector acc12 = acc00;
            FloatVector acc13 = acc00;
            FloatVector acc20 = acc00;
            FloatVector acc21 = acc00;
            FloatVector acc22 = acc00;
            FloatVector acc23 = acc00;
            for (int c = 0; c < vectorCols; c += STEP) {
                for (int k = c; k < c + STEP; k += L) {
                    FloatVector x0 = FloatVector.fromArray(F, in, base + k);
                    FloatVector x1 = FloatVector.fromArray(F, in, b1 + k);
                    FloatVector x2 = FloatVector.fromArray(F, in, b2 + k);
                    FloatVector x3 = FloatVector.fromArray(F, in, b3 + k);
                    FloatVector v = FloatVector.fromMemorySegment(F, data, r0 + 4L * k, LE);
                    acc00 = v.fma(x0, acc00);
                    acc01 = v.fma(x1, acc01);
                    acc02 = v.fma(x2, acc02);
                    acc03 = v.fma(x3, acc03);
                    v = FloatVector.fromMemorySegment(F, data, r1 + 4L * k, LE);
                    acc10 = v.fma(x0, acc10);
                    acc11 = v.fma(x1, acc11);
                    acc12 = v.fma(x2, acc12);
                    acc13 = v.fma(x3, acc13);
                    v = FloatVector.fromMemorySegment(F, data, r2 + 4L * k, LE);
                    acc20 = v.fma(x0, acc20);
                    acc21 = v.fma(x1, acc21);
                    acc22 = v.fma(x2, acc22);
                    acc23 = v.fma(x3, acc23);
                }
            }
            acc00.intoArray(sums, 0);
            acc01.intoArray(sums, L);
            acc02.intoArray(sums, 2 * L);
            acc03.intoArray(sums, 3 * L);
            acc10.intoArray(sums, 4 * L);
            acc11.intoArray(sums, 5 * L);
            acc12.intoArray(sums, 6 * L);
            acc13.intoArray(sums, 7 * L);
            acc20.intoArray(sums, 8 * L);
            acc21.intoArray(sums, 9 * L);
            acc22.intoArray(sums, 10 * L);
            acc23.intoArray(sums, 11 * L);
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
