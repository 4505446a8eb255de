package dev.vela.adapters.cpu;

import dev.vela.application.port.out.Quantization;
import dev.vela.application.port.out.WeightTensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A weight matrix {@code [rows, cols]} (float32, bfloat16, or llama.cpp's Q8_0 / Q4_0 blocks:
 * {@link Q8Matrix}, {@link Q4Matrix}), repacked once for the products the forward pass needs:
 * {@code out[t][j] = sum_k x[t][k] * W[j][k]}. float16 weights are packed as float32, which holds
 * each of their values exactly.
 *
 * <p>The packed layout keeps groups of {@link #GROUP} rows together column by column: for column
 * {@code k} of group {@code g}, one vector load gives the {@code GROUP} rows' weights, so a
 * product walks memory strictly forward and each weight vector, multiplied by one broadcast
 * activation, feeds {@code GROUP} outputs. For bfloat16 one vector of ints holds them: its low
 * halves are the group's first {@code L} rows (shifted left by 16 they are floats), its high
 * halves the last {@code L} rows (the low half masked off).
 *
 * <p>Every output element is one lane's chain of fused multiply-adds over {@code k = 0, 1, ...}
 * from zero, whatever the kernel, the tiling, the batch or the thread (a chain cut into column
 * chunks is stored and reloaded exactly), so a sequence's logits are bit-for-bit the same alone or
 * in a batch. The kernels are written out per weight type without calls, because the JIT turns
 * Vector API code into vector instructions only when every call in it inlines.
 */
abstract sealed class Matrix permits Matrix.Bf16, Matrix.F32, BlockMatrix {

    static final VectorSpecies<Float> F = VectorWidth.FLOATS;
    static final VectorSpecies<Integer> I = VectorWidth.INTS;
    static final int L = F.length();
    /** Rows packed together: two vectors of them. */
    static final int GROUP = 2 * L;
    static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Packed weight bytes per block of groups in a batched product: well inside a core's L2 cache. */
    private static final long BLOCK_BYTES = 96 << 10;
    /** Columns per pass of a batched product, so that the activations of a tile of tokens stay in L1 (whole quantized blocks). */
    static final int COLUMN_CHUNK = 1024;
    /** Tokens in the widest tile of a batched product and in the next one ({@link #tiles}). */
    private static final int WIDE = 6;
    private static final int NARROW = 4;
    /** Each thread's accumulators of a batched product: a tile per (group of the block, token). */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[1][0]);

    final String name;
    final int rows;
    final int cols;
    /** Groups of {@link #GROUP} rows; the last one is padded with zero rows. */
    final int groups;
    final MemorySegment packed;
    /** Packed bytes of one group. */
    final long groupBytes;
    /** Groups per block of a batched product. */
    private final int blockGroups;
    private final WeightTensor.Type packedType;

    /**
     * Packs {@code tensor} as {@code packedType} (the subclass's {@link #pack} only reads the fields
     * set before it runs).
     *
     * @param packedType the element type of the packed layout, part of the packed file's identity
     */
    Matrix(WeightTensor tensor, WeightTensor.Type packedType, PackedStore store, WorkerPool pool) {
        this.name = tensor.name();
        this.packedType = packedType;
        this.rows = Math.toIntExact(tensor.dim(0));
        this.cols = Math.toIntExact(tensor.dim(1));
        this.groups = (rows + GROUP - 1) / GROUP;
        this.groupBytes = packedType.bytesOf((long) cols * GROUP);
        this.packed = store.segment(tensor, packedType, groupBytes * groups, pool,
                memory -> pool.run(groups, (from, to) -> pack(tensor, memory, from, to)));
        this.blockGroups = (int) Math.max(1, BLOCK_BYTES / Math.min(groupBytes, packedType.bytesOf((long) COLUMN_CHUNK * GROUP)));
    }

    /**
     * The matrix in {@code tensor}, packed into {@code store} (or found there, packed by an earlier
     * start); the groups are packed in parallel on {@code pool}. Float weights are quantized to
     * {@code quantization}; weights already in blocks stay as they are.
     */
    static Matrix pack(WeightTensor tensor, Quantization quantization, PackedStore store, WorkerPool pool) {
        if (tensor.rank() != 2) {
            throw new IllegalArgumentException(tensor.name() + " is not a matrix");
        }
        WeightTensor.Type packedType = tensor.type().quantized() ? tensor.type() : quantization.packedType(tensor.type());
        return switch (packedType) {
            case BF16 -> new Bf16(tensor, store, pool);
            case F32, F16 -> new F32(tensor, store, pool);
            case Q8_0 -> new Q8Matrix(tensor, store, pool);
            case Q4_0 -> new Q4Matrix(tensor, store, pool);
        };
    }

    /** The matrix in {@code tensor} packed as it is stored. */
    static Matrix pack(WeightTensor tensor, PackedStore store, WorkerPool pool) {
        return pack(tensor, Quantization.NONE, store, pool);
    }

    /** The element type of the packed layout. */
    final WeightTensor.Type packedType() {
        return packedType;
    }

    /** Bytes the packed matrix occupies, all read by one product. */
    long bytes() {
        return groupBytes * groups;
    }

    /**
     * Where a share of the groups of a product over {@code tokens} tokens should start: on a
     * boundary of the four groups a token streams at once, or of a block of a batched product.
     */
    int alignment(int tokens) {
        return tokens == 1 ? 4 : blockGroups;
    }

    /** Copies groups {@code [from, to)} from the row-major {@code tensor} into the packed layout in {@code packed}. */
    abstract void pack(WeightTensor tensor, MemorySegment packed, int from, int to);

    /**
     * {@code out[t * outStride + outOffset + j] = sum_k x[t][k] * W[j][k]} for the rows of groups
     * {@code [from, to)} and tokens {@code t in [0, tokens)}.
     *
     * <p>One token (decode) streams the groups once, four at a time. A batch goes through the
     * groups in blocks that stay in the core's L2 cache, and through the columns in chunks: each
     * block is read from memory once and used by every tile of six (or four, three, two, one)
     * tokens, whose activations stay in L1 for the chunk.
     */
    final void multiply(float[] x, int width, int tokens, float[] out, int outStride, int outOffset, int from, int to) {
        if (tokens == 1) {
            float[] sums = scratch(4 * GROUP);
            int g = from;
            for (; g + 4 <= to; g += 4) {
                fourGroupsOneToken(x, g, sums);
                store(sums, 0, 4, out, outOffset, g);
            }
            for (; g < to; g++) {
                java.util.Arrays.fill(sums, 0, GROUP, 0f);
                oneToken(x, 0, g, 0, cols, sums, 0);
                store(sums, 0, 1, out, outOffset, g);
            }
            return;
        }
        int[] tiles = tiles(tokens);
        int tile = tokens * GROUP;
        for (int block = from; block < to; block += blockGroups) {
            int end = Math.min(to, block + blockGroups);
            float[] sums = scratch((end - block) * tile);
            java.util.Arrays.fill(sums, 0, (end - block) * tile, 0f);
            for (int k0 = 0; k0 < cols; k0 += COLUMN_CHUNK) {
                int k1 = Math.min(cols, k0 + COLUMN_CHUNK);
                int t = 0;
                for (int size : tiles) {
                    for (int g = block; g < end; g++) {
                        int at = (g - block) * tile + t * GROUP;
                        switch (size) {
                            case WIDE -> sixTokens(x, t * width, width, g, k0, k1, sums, at);
                            case NARROW -> fourTokens(x, t * width, width, g, k0, k1, sums, at);
                            case 3 -> threeTokens(x, t * width, width, g, k0, k1, sums, at);
                            case 2 -> twoTokens(x, t * width, width, g, k0, k1, sums, at);
                            default -> oneToken(x, t * width, g, k0, k1, sums, at);
                        }
                    }
                    t += size;
                }
            }
            for (int g = block; g < end; g++) {
                for (int t = 0; t < tokens; t++) {
                    store(sums, (g - block) * tile + t * GROUP, 1, out, t * outStride + outOffset, g);
                }
            }
        }
    }

    /**
     * Tiles of six tokens, then the rest: four, three, two or one (five as three and two); eight
     * tokens as four and four. A tile keeps two FMA chains per token busy, so narrow ones wait on
     * FMA latency, but any tile beats going over the weights again token by token.
     */
    private static int[] tiles(int tokens) {
        int wide = tokens / WIDE;
        int rest = tokens % WIDE;
        if (rest == 2 && wide > 0) {
            wide--;
            rest += WIDE;
        }
        int[] last = switch (rest) {
            case 0 -> new int[0];
            case 5 -> new int[] {3, 2};
            case 8 -> new int[] {NARROW, NARROW};
            default -> new int[] {rest};
        };
        int[] tiles = new int[wide + last.length];
        java.util.Arrays.fill(tiles, 0, wide, WIDE);
        System.arraycopy(last, 0, tiles, wide, last.length);
        return tiles;
    }

    private static float[] scratch(int floats) {
        float[][] holder = SCRATCH.get();
        if (holder[0].length < floats) {
            holder[0] = new float[Math.max(floats, 2 * holder[0].length)];
        }
        return holder[0];
    }

    /** {@code count} consecutive groups' outputs from {@code sums[at]} to {@code out[offset + g * GROUP]}, real rows only. */
    private void store(float[] sums, int at, int count, float[] out, int offset, int g) {
        int first = g * GROUP;
        int n = Math.min(count * GROUP, rows - first);
        System.arraycopy(sums, at, out, offset + first, n);
    }

    /** Four groups from {@code g} times the one token in {@code x}, all columns, from zero: {@code sums[0, 4 * GROUP)}. */
    abstract void fourGroupsOneToken(float[] x, int g, float[] sums);

    /** Group {@code g} times one token over columns {@code [k0, k1)}, added to {@code sums[at, at + GROUP)}. */
    abstract void oneToken(float[] x, int base, int g, int k0, int k1, float[] sums, int at);

    /** Group {@code g} times four tokens {@code stride} apart over columns {@code [k0, k1)}, added to {@code sums[at, at + 4 * GROUP)}. */
    abstract void fourTokens(float[] x, int base, int stride, int g, int k0, int k1, float[] sums, int at);

    /** Group {@code g} times two tokens {@code stride} apart over columns {@code [k0, k1)}, added to {@code sums[at, at + 2 * GROUP)}. */
    abstract void twoTokens(float[] x, int base, int stride, int g, int k0, int k1, float[] sums, int at);

    /** Group {@code g} times three tokens {@code stride} apart over columns {@code [k0, k1)}, added to {@code sums[at, at + 3 * GROUP)}. */
    abstract void threeTokens(float[] x, int base, int stride, int g, int k0, int k1, float[] sums, int at);

    /** Group {@code g} times six tokens {@code stride} apart over columns {@code [k0, k1)}, added to {@code sums[at, at + 6 * GROUP)}. */
    abstract void sixTokens(float[] x, int base, int stride, int g, int k0, int k1, float[] sums, int at);

    /** bfloat16 weights: an int per row pair (row {@code i} in the low half, row {@code L + i} in the high half). */
    static final class Bf16 extends Matrix {

        Bf16(WeightTensor tensor, PackedStore store, WorkerPool pool) {
            super(tensor, WeightTensor.Type.BF16, store, pool);
        }

        @Override
        void pack(WeightTensor tensor, MemorySegment packed, int from, int to) {
            MemorySegment data = tensor.data();
            long rowBytes = 2L * cols;
            for (int g = from; g < to; g++) {
                long base = g * groupBytes;
                for (int lane = 0; lane < GROUP; lane++) {
                    int r = g * GROUP + lane;
                    long at = base + 4L * (lane % L) + 2L * (lane / L);
                    if (r < rows) {
                        for (int k = 0; k < cols; k++) {
                            packed.set(SHORT, at + 4L * L * k, data.get(SHORT, r * rowBytes + 2L * k));
                        }
                    } else {
                        for (int k = 0; k < cols; k++) {
                            packed.set(SHORT, at + 4L * L * k, (short) 0);
                        }
                    }
                }
            }
        }

        @Override
        void fourGroupsOneToken(float[] x, int g, float[] sums) {
            long g0 = g * groupBytes;
            long g1 = g0 + groupBytes;
            long g2 = g1 + groupBytes;
            long g3 = g2 + groupBytes;
            FloatVector low0 = FloatVector.zero(F);
            FloatVector high0 = low0;
            FloatVector low1 = low0;
            FloatVector high1 = low0;
            FloatVector low2 = low0;
            FloatVector high2 = low0;
            FloatVector low3 = low0;
            FloatVector high3 = low0;
            for (int k = 0; k < cols; k++) {
                FloatVector v = FloatVector.broadcast(F, x[k]);
                long at = 4L * L * k;
                IntVector w = IntVector.fromMemorySegment(I, packed, g0 + at, LE);
                low0 = w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v, low0);
                high0 = w.and(0xFFFF0000).reinterpretAsFloats().fma(v, high0);
                w = IntVector.fromMemorySegment(I, packed, g1 + at, LE);
                low1 = w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v, low1);
                high1 = w.and(0xFFFF0000).reinterpretAsFloats().fma(v, high1);
                w = IntVector.fromMemorySegment(I, packed, g2 + at, LE);
                low2 = w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v, low2);
                high2 = w.and(0xFFFF0000).reinterpretAsFloats().fma(v, high2);
                w = IntVector.fromMemorySegment(I, packed, g3 + at, LE);
                low3 = w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v, low3);
                high3 = w.and(0xFFFF0000).reinterpretAsFloats().fma(v, high3);
            }
            low0.intoArray(sums, 0);
            high0.intoArray(sums, L);
            low1.intoArray(sums, 2 * L);
            high1.intoArray(sums, 3 * L);
            low2.intoArray(sums, 4 * L);
            high2.intoArray(sums, 5 * L);
            low3.intoArray(sums, 6 * L);
            high3.intoArray(sums, 7 * L);
        }

        @Override
        void oneToken(float[] x, int base, int g, int k0, int k1, float[] sums, int at) {
            long group = g * groupBytes;
            FloatVector low = FloatVector.fromArray(F, sums, at);
            FloatVector high = FloatVector.fromArray(F, sums, at + L);
            for (int k = k0; k < k1; k++) {
                IntVector w = IntVector.fromMemorySegment(I, packed, group + 4L * L * k, LE);
                FloatVector v = FloatVector.broadcast(F, x[base + k]);
                low = w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().fma(v, low);
                high = w.and(0xFFFF0000).reinterpretAsFloats().fma(v, high);
            }
            low.intoArray(sums, at);
            high.intoArray(sums, at + L);
        }

        @Override
        void fourTokens(float[] x, int base, int stride, int g, int k0, int k1, float[] sums, int at) {
            long group = g * groupBytes;
            int x1 = base + stride;
            int x2 = x1 + stride;
            int x3 = x2 + stride;
            FloatVector low0 = FloatVector.fromArray(F, sums, at);
            FloatVector high0 = FloatVector.fromArray(F, sums, at + L);
            FloatVector low1 = FloatVector.fromArray(F, sums, at + GROUP);
            FloatVector high1 = FloatVector.fromArray(F, sums, at + GROUP + L);
            FloatVector low2 = FloatVector.fromArray(F, sums, at + 2 * GROUP);
            FloatVector high2 = FloatVector.fromArray(F, sums, at + 2 * GROUP + L);
            FloatVector low3 = FloatVector.fromArray(F, sums, at + 3 * GROUP);
            FloatVector high3 = FloatVector.fromArray(F, sums, at + 3 * GROUP + L);
            for (int k = k0; k < k1; k++) {
                IntVector w = IntVector.fromMemorySegment(I, packed, group + 4L * L * k, LE);
                FloatVector low = w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                FloatVector high = w.and(0xFFFF0000).reinterpretAsFloats();
                FloatVector v = FloatVector.broadcast(F, x[base + k]);
                low0 = low.fma(v, low0);
                high0 = high.fma(v, high0);
                v = FloatVector.broadcast(F, x[x1 + k]);
                low1 = low.fma(v, low1);
                high1 = high.fma(v, high1);
                v = FloatVector.broadcast(F, x[x2 + k]);
                low2 = low.fma(v, low2);
                high2 = high.fma(v, high2);
                v = FloatVector.broadcast(F, x[x3 + k]);
                low3 = low.fma(v, low3);
                high3 = high.fma(v, high3);
            }
            low0.intoArray(sums, at);
            high0.intoArray(sums, at + L);
            low1.intoArray(sums, at + GROUP);
            high1.intoArray(sums, at + GROUP + L);
            low2.intoArray(sums, at + 2 * GROUP);
            high2.intoArray(sums, at + 2 * GROUP + L);
            low3.intoArray(sums, at + 3 * GROUP);
            high3.intoArray(sums, at + 3 * GROUP + L);
        }

        @Override
        void threeTokens(float[] x, int base, int stride, int g, int k0, int k1, float[] sums, int at) {
            long group = g * groupBytes;
            int x1 = base + stride;
            int x2 = x1 + stride;
            FloatVector low0 = FloatVector.fromArray(F, sums, at);
            FloatVector high0 = FloatVector.fromArray(F, sums, at + L);
            FloatVector low1 = FloatVector.fromArray(F, sums, at + GROUP);
            FloatVector high1 = FloatVector.fromArray(F, sums, at + GROUP + L);
            FloatVector low2 = FloatVector.fromArray(F, sums, at + 2 * GROUP);
            FloatVector high2 = FloatVector.fromArray(F, sums, at + 2 * GROUP + L);
            for (int k = k0; k < k1; k++) {
                IntVector w = IntVector.fromMemorySegment(I, packed, group + 4L * L * k, LE);
                FloatVector low = w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                FloatVector high = w.and(0xFFFF0000).reinterpretAsFloats();
                FloatVector v = FloatVector.broadcast(F, x[base + k]);
                low0 = low.fma(v, low0);
                high0 = high.fma(v, high0);
                v = FloatVector.broadcast(F, x[x1 + k]);
                low1 = low.fma(v, low1);
                high1 = high.fma(v, high1);
                v = FloatVector.broadcast(F, x[x2 + k]);
                low2 = low.fma(v, low2);
                high2 = high.fma(v, high2);
            }
            low0.intoArray(sums, at);
            high0.intoArray(sums, at + L);
            low1.intoArray(sums, at + GROUP);
            high1.intoArray(sums, at + GROUP + L);
            low2.intoArray(sums, at + 2 * GROUP);
            high2.intoArray(sums, at + 2 * GROUP + L);
        }

        @Override
        void twoTokens(float[] x, int base, int stride, int g, int k0, int k1, float[] sums, int at) {
            long group = g * groupBytes;
            int x1 = base + stride;
            FloatVector low0 = FloatVector.fromArray(F, sums, at);
            FloatVector high0 = FloatVector.fromArray(F, sums, at + L);
            FloatVector low1 = FloatVector.fromArray(F, sums, at + GROUP);
            FloatVector high1 = FloatVector.fromArray(F, sums, at + GROUP + L);
            for (int k = k0; k < k1; k++) {
                IntVector w = IntVector.fromMemorySegment(I, packed, group + 4L * L * k, LE);
                FloatVector low = w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                FloatVector high = w.and(0xFFFF0000).reinterpretAsFloats();
                FloatVector v = FloatVector.broadcast(F, x[base + k]);
                low0 = low.fma(v, low0);
                high0 = high.fma(v, high0);
                v = FloatVector.broadcast(F, x[x1 + k]);
                low1 = low.fma(v, low1);
                high1 = high.fma(v, high1);
            }
            low0.intoArray(sums, at);
            high0.intoArray(sums, at + L);
            low1.intoArray(sums, at + GROUP);
            high1.intoArray(sums, at + GROUP + L);
        }

        @Override
        void sixTokens(float[] x, int base, int stride, int g, int k0, int k1, float[] sums, int at) {
            long group = g * groupBytes;
            int x1 = base + stride;
            int x2 = x1 + stride;
            int x3 = x2 + stride;
            int x4 = x3 + stride;
            int x5 = x4 + stride;
            FloatVector low0 = FloatVector.fromArray(F, sums, at);
            FloatVector high0 = FloatVector.fromArray(F, sums, at + L);
            FloatVector low1 = FloatVector.fromArray(F, sums, at + GROUP);
            FloatVector high1 = FloatVector.fromArray(F, sums, at + GROUP + L);
            FloatVector low2 = FloatVector.fromArray(F, sums, at + 2 * GROUP);
            FloatVector high2 = FloatVector.fromArray(F, sums, at + 2 * GROUP + L);
            FloatVector low3 = FloatVector.fromArray(F, sums, at + 3 * GROUP);
            FloatVector high3 = FloatVector.fromArray(F, sums, at + 3 * GROUP + L);
            FloatVector low4 = FloatVector.fromArray(F, sums, at + 4 * GROUP);
            FloatVector high4 = FloatVector.fromArray(F, sums, at + 4 * GROUP + L);
            FloatVector low5 = FloatVector.fromArray(F, sums, at + 5 * GROUP);
            FloatVector high5 = FloatVector.fromArray(F, sums, at + 5 * GROUP + L);
            for (int k = k0; k < k1; k++) {
                IntVector w = IntVector.fromMemorySegment(I, packed, group + 4L * L * k, LE);
                FloatVector low = w.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
                FloatVector high = w.and(0xFFFF0000).reinterpretAsFloats();
                FloatVector v = FloatVector.broadcast(F, x[base + k]);
                low0 = low.fma(v, low0);
                high0 = high.fma(v, high0);
                v = FloatVector.broadcast(F, x[x1 + k]);
                low1 = low.fma(v, low1);
                high1 = high.fma(v, high1);
                v = FloatVector.broadcast(F, x[x2 + k]);
                low2 = low.fma(v, low2);
                high2 = high.fma(v, high2);
                v = FloatVector.broadcast(F, x[x3 + k]);
                low3 = low.fma(v, low3);
                high3 = high.fma(v, high3);
                v = FloatVector.broadcast(F, x[x4 + k]);
                low4 = low.fma(v, low4);
                high4 = high.fma(v, high4);
                v = FloatVector.broadcast(F, x[x5 + k]);
                low5 = low.fma(v, low5);
                high5 = high.fma(v, high5);
            }
            low0.intoArray(sums, at);
            high0.intoArray(sums, at + L);
            low1.intoArray(sums, at + GROUP);
            high1.intoArray(sums, at + GROUP + L);
            low2.intoArray(sums, at + 2 * GROUP);
            high2.intoArray(sums, at + 2 * GROUP + L);
            low3.intoArray(sums, at + 3 * GROUP);
            high3.intoArray(sums, at + 3 * GROUP + L);
            low4.intoArray(sums, at + 4 * GROUP);
            high4.intoArray(sums, at + 4 * GROUP + L);
            low5.intoArray(sums, at + 5 * GROUP);
            high5.intoArray(sums, at + 5 * GROUP + L);
        }
    }

    /** float32 weights (or weights float32 holds exactly): a group's column is its {@code GROUP} rows' floats in row order. */
    static final class F32 extends Matrix {

        F32(WeightTensor tensor, PackedStore store, WorkerPool pool) {
            super(tensor, WeightTensor.Type.F32, store, pool);
        }

        @Override
        void pack(WeightTensor tensor, MemorySegment packed, int from, int to) {
            float[] row = new float[cols];
            for (int g = from; g < to; g++) {
                long base = g * groupBytes;
                for (int lane = 0; lane < GROUP; lane++) {
                    int r = g * GROUP + lane;
                    long at = base + 4L * lane;
                    if (r < rows) {
                        tensor.copyFloats((long) r * cols, cols, row, 0);
                    } else {
                        java.util.Arrays.fill(row, 0f);
                    }
                    for (int k = 0; k < cols; k++) {
                        packed.set(FLOAT, at + 4L * GROUP * k, row[k]);
                    }
                }
            }
        }

        @Override
        void fourGroupsOneToken(float[] x, int g, float[] sums) {
            long g0 = g * groupBytes;
            long g1 = g0 + groupBytes;
            long g2 = g1 + groupBytes;
            long g3 = g2 + groupBytes;
            FloatVector low0 = FloatVector.zero(F);
            FloatVector high0 = low0;
            FloatVector low1 = low0;
            FloatVector high1 = low0;
            FloatVector low2 = low0;
            FloatVector high2 = low0;
            FloatVector low3 = low0;
            FloatVector high3 = low0;
            for (int k = 0; k < cols; k++) {
                FloatVector v = FloatVector.broadcast(F, x[k]);
                long at = 4L * GROUP * k;
                low0 = FloatVector.fromMemorySegment(F, packed, g0 + at, LE).fma(v, low0);
                high0 = FloatVector.fromMemorySegment(F, packed, g0 + at + 4L * L, LE).fma(v, high0);
                low1 = FloatVector.fromMemorySegment(F, packed, g1 + at, LE).fma(v, low1);
                high1 = FloatVector.fromMemorySegment(F, packed, g1 + at + 4L * L, LE).fma(v, high1);
                low2 = FloatVector.fromMemorySegment(F, packed, g2 + at, LE).fma(v, low2);
                high2 = FloatVector.fromMemorySegment(F, packed, g2 + at + 4L * L, LE).fma(v, high2);
                low3 = FloatVector.fromMemorySegment(F, packed, g3 + at, LE).fma(v, low3);
                high3 = FloatVector.fromMemorySegment(F, packed, g3 + at + 4L * L, LE).fma(v, high3);
            }
            low0.intoArray(sums, 0);
            high0.intoArray(sums, L);
            low1.intoArray(sums, 2 * L);
            high1.intoArray(sums, 3 * L);
            low2.intoArray(sums, 4 * L);
            high2.intoArray(sums, 5 * L);
            low3.intoArray(sums, 6 * L);
            high3.intoArray(sums, 7 * L);
        }

        @Override
        void oneToken(float[] x, int base, int g, int k0, int k1, float[] sums, int at) {
            long group = g * groupBytes;
            FloatVector low = FloatVector.fromArray(F, sums, at);
            FloatVector high = FloatVector.fromArray(F, sums, at + L);
            for (int k = k0; k < k1; k++) {
                FloatVector v = FloatVector.broadcast(F, x[base + k]);
                low = FloatVector.fromMemorySegment(F, packed, group + 4L * GROUP * k, LE).fma(v, low);
                high = FloatVector.fromMemorySegment(F, packed, group + 4L * GROUP * k + 4L * L, LE).fma(v, high);
            }
            low.intoArray(sums, at);
            high.intoArray(sums, at + L);
        }

        @Override
        void fourTokens(float[] x, int base, int stride, int g, int k0, int k1, float[] sums, int at) {
            for (int u = 0; u < 4; u++) {
                oneToken(x, base + u * stride, g, k0, k1, sums, at + u * GROUP);
            }
        }

        @Override
        void twoTokens(float[] x, int base, int stride, int g, int k0, int k1, float[] sums, int at) {
            for (int u = 0; u < 2; u++) {
                oneToken(x, base + u * stride, g, k0, k1, sums, at + u * GROUP);
            }
        }

        @Override
        void threeTokens(float[] x, int base, int stride, int g, int k0, int k1, float[] sums, int at) {
            for (int u = 0; u < 3; u++) {
                oneToken(x, base + u * stride, g, k0, k1, sums, at + u * GROUP);
            }
        }

        @Override
        void sixTokens(float[] x, int base, int stride, int g, int k0, int k1, float[] sums, int at) {
            for (int u = 0; u < 6; u++) {
                oneToken(x, base + u * stride, g, k0, k1, sums, at + u * GROUP);
            }
        }
    }
}
