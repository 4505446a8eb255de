package dev.vela.adapters.cpu;

import dev.vela.application.port.out.SequenceSlice;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Attention over a {@link PagedKvCache} for the CPU forward pass: each token's query heads against
 * the keys and values of its own sequence's blocks, up to its own position. The kernels read the
 * keys transposed in their blocks (a vector lane is a position) and the values position by
 * position, as {@link PagedKvCache} lays them out.
 */
final class PagedAttention {

    private static final VectorSpecies<Float> F = VectorWidth.FLOATS;
    private static final int L = F.length();
    /** Positions of values the heads of a KV group go over in turn: a KV head's share of them stays in L1. */
    private static final int VALUE_CHUNK = 64;

    private final PagedKvCache cache;
    private final int kvHeads;
    private final int headDim;
    /** Query heads per KV head. */
    private final int groups;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    /** One thread's working memory for {@link #attend}: a KV group's scores, their softmax normalisers, lanes to sum. */
    private static final class Scratch {
        private float[] scores = new float[0];
        private float[] inverses = new float[0];
        private final float[] lanes = new float[VectorMath.LANES];

        float[] inverses(int heads) {
            if (inverses.length < heads) {
                inverses = new float[heads];
            }
            return inverses;
        }

        float[] scores(int positions) {
            if (scores.length < positions) {
                scores = new float[Math.max(positions, 2 * scores.length)];
            }
            return scores;
        }
    }

    PagedAttention(PagedKvCache cache, int kvHeads, int headDim, int groups) {
        this.cache = cache;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
        this.groups = groups;
    }

    /**
     * The attention output of every token of a step, shared out over {@code pool} by token and KV
     * head. Token {@code t}'s queries start at {@code t * qkvWidth} in {@code qkv}, it is at
     * {@code position[t]} of slice {@code sliceOf[t]} of {@code batch}, and its output goes to
     * {@code out[t * outWidth, (t + 1) * outWidth)}; its keys and values must be in the cache.
     */
    void attendAll(WorkerPool pool, int layer, List<SequenceSlice> batch, int[] sliceOf, int[] position, int tokens,
                   float[] qkv, int qkvWidth, float[] out, int outWidth) {
        int work = tokens * kvHeads;
        // last tokens first: in a prompt they attend to the most positions, and the threads that
        // claim the cheap early ones at the end even out the finish
        pool.run(work, (from, to) -> {
            Scratch own = scratch.get();
            for (int item = from; item < to; item++) {
                int w = work - 1 - item;
                int t = w / kvHeads;
                attend(layer, batch.get(sliceOf[t]), position[t], qkv, t * qkvWidth, w % kvHeads, out, t * outWidth, own);
            }
        });
    }

    /**
     * The heads of one token that share KV head {@code kvHead}: for each, softmax(q . k / sqrt(d))
     * over the sequence's positions up to its own, then the weighted sum of the values, read from
     * the sequence's blocks. The heads go over each block of keys, and each chunk of
     * {@link #VALUE_CHUNK} positions of values, one after another, so what they share is read from
     * memory once and from the core's caches after that.
     *
     * <p>A score is two chains of multiply-adds, one per half of the head's dimensions, added and
     * scaled: with the keys transposed in their blocks each lane of a vector is one position, so a
     * block is scored a vector of positions at a time with no sum across lanes, two heads at a time
     * sharing each load of the keys. A block's positions past the token's own are scored too
     * (whatever the block holds) and ignored. Each output dimension is one chain over the
     * positions, kept in {@code out} between chunks (stored and reloaded exactly).
     *
     * @param qBase where the token's queries start in {@code qkv}
     * @param outBase where the token's attention output starts in {@code out}
     */
    private void attend(int layer, SequenceSlice slice, int position, float[] qkv, int qBase, int kvHead, float[] out, int outBase,
                        Scratch scratch) {
        int length = position + 1;
        int blockSize = cache.blockSize();
        int blocks = (length + blockSize - 1) / blockSize;
        int rowLength = blocks * blockSize;
        float[] score = scratch.scores(groups * rowLength);
        float scale = (float) (1.0 / Math.sqrt(headDim));
        int firstHead = kvHead * groups;
        long keyStride = 4L * blockSize;
        boolean vectors = blockSize % L == 0 && headDim % 2 == 0;
        for (int b = 0; b < blocks; b++) {
            int block = slice.blockTable()[b];
            MemorySegment keys = cache.keySlab(layer, block);
            long row = cache.keyRow(block, kvHead * headDim);
            int at = b * blockSize;
            int h = 0;
            if (vectors) {
                // two heads at a time share each load of the keys
                for (; h + 2 <= groups; h += 2) {
                    int qAt = qBase + (firstHead + h) * headDim;
                    int o = 0;
                    for (; o + 2 * L <= blockSize; o += 2 * L) {
                        scoreTwoHeads(keys, row + 4L * o, keyStride, qkv, qAt, score, h * rowLength + at + o, rowLength, scale);
                    }
                    for (; o < blockSize; o += L) {
                        scoreOneVector(keys, row + 4L * o, keyStride, qkv, qAt, score, h * rowLength + at + o, scale);
                        scoreOneVector(keys, row + 4L * o, keyStride, qkv, qAt + headDim, score, (h + 1) * rowLength + at + o, scale);
                    }
                }
            }
            for (; h < groups; h++) {
                int qAt = qBase + (firstHead + h) * headDim;
                int o = 0;
                if (vectors) {
                    for (; o + 2 * L <= blockSize; o += 2 * L) {
                        scoreTwoVectors(keys, row + 4L * o, keyStride, qkv, qAt, score, h * rowLength + at + o, scale);
                    }
                    for (; o < blockSize; o += L) {
                        scoreOneVector(keys, row + 4L * o, keyStride, qkv, qAt, score, h * rowLength + at + o, scale);
                    }
                }
                for (; o < blockSize && at + o < length; o++) {
                    score[h * rowLength + at + o] = scoreOne(keys, row + 4L * o, keyStride, qkv, qAt, scale);
                }
            }
        }
        float[] inverse = scratch.inverses(groups);
        for (int h = 0; h < groups; h++) {
            float max = VectorMath.max(score, h * rowLength, length, scratch.lanes);
            inverse[h] = 1f / VectorMath.expShifted(score, h * rowLength, max, length, scratch.lanes);
        }
        long headOffset = (long) kvHead * headDim * Float.BYTES;
        for (int from = 0; from < length; from += VALUE_CHUNK) {
            int to = Math.min(length, from + VALUE_CHUNK);
            for (int h = 0; h < groups; h++) {
                values(layer, slice, from, to, headOffset, score, h * rowLength, inverse[h], out,
                        outBase + (firstHead + h) * headDim, from > 0);
            }
        }
    }

    /**
     * One head's weighted values over positions {@code [from, to)}, added to {@code out[outAt,
     * outAt + headDim)} ({@code resume}) or from zero: eight vectors of dimensions at a time, then
     * four, one, and single floats for what is left.
     */
    private void values(int layer, SequenceSlice slice, int from, int to, long headOffset, float[] score, int scoreAt,
                        float inverse, float[] out, int outAt, boolean resume) {
        int blockSize = cache.blockSize();
        int d = 0;
        for (; d + 8 * L <= headDim; d += 8 * L) {
            valuesWide(layer, slice, from, to, headOffset + 4L * d, score, scoreAt, inverse, out, outAt + d, resume);
        }
        for (; d + 4 * L <= headDim; d += 4 * L) {
            weightedValues(layer, slice, from, to, headOffset + 4L * d, score, scoreAt, inverse, out, outAt + d, resume);
        }
        for (; d + L <= headDim; d += L) {
            FloatVector acc = resume ? FloatVector.fromArray(F, out, outAt + d) : FloatVector.zero(F);
            for (int p = from; p < to; p++) {
                int block = slice.blockTable()[p / blockSize];
                long at = cache.byteOffset(block, p % blockSize) + headOffset + 4L * d;
                acc = FloatVector.fromMemorySegment(F, cache.valueSlab(layer, block), at, ByteOrder.nativeOrder())
                        .fma(FloatVector.broadcast(F, score[scoreAt + p] * inverse), acc);
            }
            acc.intoArray(out, outAt + d);
        }
        for (; d < headDim; d++) {
            float acc = resume ? out[outAt + d] : 0f;
            for (int p = from; p < to; p++) {
                int block = slice.blockTable()[p / blockSize];
                long at = cache.byteOffset(block, p % blockSize) + headOffset;
                acc = Math.fma(cache.valueSlab(layer, block).get(ValueLayout.JAVA_FLOAT, at + 4L * d),
                        score[scoreAt + p] * inverse, acc);
            }
            out[outAt + d] = acc;
        }
    }

    /**
     * Scores of {@code 2 L} positions of a block for two heads (queries at {@code qAt} and
     * {@code qAt + headDim}; scores at {@code score[at, at + 2L)} and {@code rowLength} further on):
     * the transposed keys whose first dimension's row starts at byte {@code row} ({@code stride}
     * bytes from one dimension's row to the next) are loaded once for both. A score is two chains of
     * multiply-adds, over the first and the second half of the dimensions, added and scaled.
     */
    private void scoreTwoHeads(MemorySegment keys, long row, long stride, float[] qkv, int qAt, float[] score, int at,
                               int rowLength, float scale) {
        int half = headDim / 2;
        long upper = half * stride;
        long second = 4L * L;
        int qB = qAt + headDim;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        FloatVector c0 = a0;
        FloatVector c1 = a0;
        FloatVector d0 = a0;
        FloatVector d1 = a0;
        long k = row;
        for (int d = 0; d < half; d++, k += stride) {
            FloatVector k0 = FloatVector.fromMemorySegment(F, keys, k, ByteOrder.nativeOrder());
            FloatVector k1 = FloatVector.fromMemorySegment(F, keys, k + second, ByteOrder.nativeOrder());
            FloatVector q = FloatVector.broadcast(F, qkv[qAt + d]);
            a0 = k0.fma(q, a0);
            b0 = k1.fma(q, b0);
            q = FloatVector.broadcast(F, qkv[qB + d]);
            c0 = k0.fma(q, c0);
            d0 = k1.fma(q, d0);
            k0 = FloatVector.fromMemorySegment(F, keys, k + upper, ByteOrder.nativeOrder());
            k1 = FloatVector.fromMemorySegment(F, keys, k + upper + second, ByteOrder.nativeOrder());
            q = FloatVector.broadcast(F, qkv[qAt + half + d]);
            a1 = k0.fma(q, a1);
            b1 = k1.fma(q, b1);
            q = FloatVector.broadcast(F, qkv[qB + half + d]);
            c1 = k0.fma(q, c1);
            d1 = k1.fma(q, d1);
        }
        a0.add(a1).mul(scale).intoArray(score, at);
        b0.add(b1).mul(scale).intoArray(score, at + L);
        c0.add(c1).mul(scale).intoArray(score, at + rowLength);
        d0.add(d1).mul(scale).intoArray(score, at + rowLength + L);
    }

    /** As {@link #scoreTwoHeads}, one head ({@code 2 L} positions into {@code score[at, at + 2L)}). */
    private void scoreTwoVectors(MemorySegment keys, long row, long stride, float[] qkv, int qAt, float[] score, int at,
                                 float scale) {
        int half = headDim / 2;
        long upper = half * stride;
        long second = 4L * L;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector b0 = a0;
        FloatVector b1 = a0;
        long k = row;
        for (int d = 0; d < half; d++, k += stride) {
            FloatVector q = FloatVector.broadcast(F, qkv[qAt + d]);
            a0 = FloatVector.fromMemorySegment(F, keys, k, ByteOrder.nativeOrder()).fma(q, a0);
            b0 = FloatVector.fromMemorySegment(F, keys, k + second, ByteOrder.nativeOrder()).fma(q, b0);
            q = FloatVector.broadcast(F, qkv[qAt + half + d]);
            a1 = FloatVector.fromMemorySegment(F, keys, k + upper, ByteOrder.nativeOrder()).fma(q, a1);
            b1 = FloatVector.fromMemorySegment(F, keys, k + upper + second, ByteOrder.nativeOrder()).fma(q, b1);
        }
        a0.add(a1).mul(scale).intoArray(score, at);
        b0.add(b1).mul(scale).intoArray(score, at + L);
    }

    /** As {@link #scoreTwoHeads}, one head and {@code L} positions. */
    private void scoreOneVector(MemorySegment keys, long row, long stride, float[] qkv, int qAt, float[] score, int at,
                                float scale) {
        int half = headDim / 2;
        long upper = half * stride;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        long k = row;
        for (int d = 0; d < half; d++, k += stride) {
            a0 = FloatVector.fromMemorySegment(F, keys, k, ByteOrder.nativeOrder()).fma(FloatVector.broadcast(F, qkv[qAt + d]), a0);
            a1 = FloatVector.fromMemorySegment(F, keys, k + upper, ByteOrder.nativeOrder())
                    .fma(FloatVector.broadcast(F, qkv[qAt + half + d]), a1);
        }
        a0.add(a1).mul(scale).intoArray(score, at);
    }

    /**
     * The score of one position, lane by lane what the vector kernels compute: the halves' bound
     * is {@code headDim / 2}, which for a head size the kernels take is theirs.
     */
    private float scoreOne(MemorySegment keys, long row, long stride, float[] qkv, int qAt, float scale) {
        float low = chain(keys, row, stride, qkv, qAt, 0, headDim / 2);
        float high = chain(keys, row, stride, qkv, qAt, headDim / 2, headDim);
        return (low + high) * scale;
    }

    /** One position's chain of multiply-adds over key dimensions {@code [from, to)}. */
    private float chain(MemorySegment keys, long row, long stride, float[] qkv, int qAt, int from, int to) {
        float acc = 0f;
        for (int d = from; d < to; d++) {
            acc = Math.fma(keys.get(ValueLayout.JAVA_FLOAT, row + d * stride), qkv[qAt + d], acc);
        }
        return acc;
    }

    /**
     * {@code 8 L} dimensions of one head's attention output over positions {@code [from, to)}, as
     * {@link #weightedValues}: eight chains keep both FMA units busy where four wait on the FMA latency.
     */
    private void valuesWide(int layer, SequenceSlice slice, int from, int to, long offset, float[] score, int scoreAt,
                            float inverse, float[] out, int outAt, boolean resume) {
        int blockSize = cache.blockSize();
        long positionBytes = (long) kvHeads * headDim * Float.BYTES;
        FloatVector a0 = resume ? FloatVector.fromArray(F, out, outAt) : FloatVector.zero(F);
        FloatVector a1 = resume ? FloatVector.fromArray(F, out, outAt + L) : FloatVector.zero(F);
        FloatVector a2 = resume ? FloatVector.fromArray(F, out, outAt + 2 * L) : FloatVector.zero(F);
        FloatVector a3 = resume ? FloatVector.fromArray(F, out, outAt + 3 * L) : FloatVector.zero(F);
        FloatVector a4 = resume ? FloatVector.fromArray(F, out, outAt + 4 * L) : FloatVector.zero(F);
        FloatVector a5 = resume ? FloatVector.fromArray(F, out, outAt + 5 * L) : FloatVector.zero(F);
        FloatVector a6 = resume ? FloatVector.fromArray(F, out, outAt + 6 * L) : FloatVector.zero(F);
        FloatVector a7 = resume ? FloatVector.fromArray(F, out, outAt + 7 * L) : FloatVector.zero(F);
        for (int first = from; first < to; first = (first / blockSize + 1) * blockSize) {
            int block = slice.blockTable()[first / blockSize];
            MemorySegment values = cache.valueSlab(layer, block);
            long at = cache.byteOffset(block, first % blockSize) + offset;
            int end = Math.min(to, (first / blockSize + 1) * blockSize);
            for (int p = first; p < end; p++, at += positionBytes) {
                FloatVector weight = FloatVector.broadcast(F, score[scoreAt + p] * inverse);
                a0 = FloatVector.fromMemorySegment(F, values, at, ByteOrder.nativeOrder()).fma(weight, a0);
                a1 = FloatVector.fromMemorySegment(F, values, at + 4L * L, ByteOrder.nativeOrder()).fma(weight, a1);
                a2 = FloatVector.fromMemorySegment(F, values, at + 8L * L, ByteOrder.nativeOrder()).fma(weight, a2);
                a3 = FloatVector.fromMemorySegment(F, values, at + 12L * L, ByteOrder.nativeOrder()).fma(weight, a3);
                a4 = FloatVector.fromMemorySegment(F, values, at + 16L * L, ByteOrder.nativeOrder()).fma(weight, a4);
                a5 = FloatVector.fromMemorySegment(F, values, at + 20L * L, ByteOrder.nativeOrder()).fma(weight, a5);
                a6 = FloatVector.fromMemorySegment(F, values, at + 24L * L, ByteOrder.nativeOrder()).fma(weight, a6);
                a7 = FloatVector.fromMemorySegment(F, values, at + 28L * L, ByteOrder.nativeOrder()).fma(weight, a7);
            }
        }
        a0.intoArray(out, outAt);
        a1.intoArray(out, outAt + L);
        a2.intoArray(out, outAt + 2 * L);
        a3.intoArray(out, outAt + 3 * L);
        a4.intoArray(out, outAt + 4 * L);
        a5.intoArray(out, outAt + 5 * L);
        a6.intoArray(out, outAt + 6 * L);
        a7.intoArray(out, outAt + 7 * L);
    }

    /**
     * {@code 4 L} dimensions of one head's attention output over positions {@code [from, to)}: the
     * sum of {@code score[scoreAt + p] * inverse} times the values, each lane one chain of
     * multiply-adds over the positions, kept in registers rather than stored and reloaded per
     * position, from zero or ({@code resume}) from what {@code out} holds.
     */
    private void weightedValues(int layer, SequenceSlice slice, int from, int to, long offset, float[] score, int scoreAt,
                                float inverse, float[] out, int outAt, boolean resume) {
        int blockSize = cache.blockSize();
        FloatVector a0 = resume ? FloatVector.fromArray(F, out, outAt) : FloatVector.zero(F);
        FloatVector a1 = resume ? FloatVector.fromArray(F, out, outAt + L) : FloatVector.zero(F);
        FloatVector a2 = resume ? FloatVector.fromArray(F, out, outAt + 2 * L) : FloatVector.zero(F);
        FloatVector a3 = resume ? FloatVector.fromArray(F, out, outAt + 3 * L) : FloatVector.zero(F);
        for (int p = from; p < to; p++) {
            int block = slice.blockTable()[p / blockSize];
            MemorySegment values = cache.valueSlab(layer, block);
            long at = cache.byteOffset(block, p % blockSize) + offset;
            FloatVector weight = FloatVector.broadcast(F, score[scoreAt + p] * inverse);
            a0 = FloatVector.fromMemorySegment(F, values, at, ByteOrder.nativeOrder()).fma(weight, a0);
            a1 = FloatVector.fromMemorySegment(F, values, at + 4L * L, ByteOrder.nativeOrder()).fma(weight, a1);
            a2 = FloatVector.fromMemorySegment(F, values, at + 8L * L, ByteOrder.nativeOrder()).fma(weight, a2);
            a3 = FloatVector.fromMemorySegment(F, values, at + 12L * L, ByteOrder.nativeOrder()).fma(weight, a3);
        }
        a0.intoArray(out, outAt);
        a1.intoArray(out, outAt + L);
        a2.intoArray(out, outAt + 2 * L);
        a3.intoArray(out, outAt + 3 * L);
    }
}
