package dev.vela.adapters.cpu;

import dev.vela.adapters.cpu.WorkerPool.RangeTask;
import dev.vela.application.port.out.LogitsSink;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.ModelWeights;
import dev.vela.application.port.out.Quantization;
import dev.vela.application.port.out.RunnerInfo;
import dev.vela.application.port.out.SequenceSlice;
import dev.vela.application.port.out.WeightTensor;
import dev.vela.domain.model.ModelConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * A {@link ModelRunner} on the CPU with Vela's own batched Qwen2 forward pass: one pass over the
 * weights per engine step serves every token of every sequence in the batch (the projections and
 * the MLP are matrix products over all of them), attention runs per sequence over its own blocks
 * of a paged KV cache ({@link PagedAttention}). The matrices are repacked once into the layout the
 * kernels stream ({@link Qwen2Weights}, {@link Matrix}), kept in memory-mapped files that later
 * starts reuse, or off the heap ({@link PackedStore}). Kernels use the Panama Vector API; work is
 * split over the cores by groups of rows.
 *
 * <p>A sequence's logits are bit-for-bit the same whether it runs alone or in any batch: every
 * output element is computed by the same operations in the same order. Engine thread only.
 */
public final class PanamaModelRunner implements ModelRunner {

    /** Rows of logits computed together (the lm_head is read once per group). */
    private static final int LOGIT_GROUP = 16;
    /** The KV budget when neither the command line nor the caller gives one. */
    public static final long DEFAULT_KV_CACHE_BYTES = 2L << 30;

    private final ModelConfig config;
    private final Qwen2Weights weights;
    private final RunnerInfo info;
    private final WorkerPool pool;
    private final WeightTensor embedding;
    /** Where the packed matrices are (files or memory), released on close. */
    private final PackedStore packed;
    private final Qwen2Weights.Layer[] layers;
    private final float[] finalNorm;
    private final StackedMatrices lmHead;
    private final float eps;
    private final int hidden;
    private final int qDim;
    private final int kvDim;
    private final int headDim;
    private final int groups;
    private final double[] inverseFrequencies;
    private PagedKvCache cache;
    private PagedAttention pagedAttention;

    // per-step buffers, grown to the largest batch seen
    private int[] token = new int[0];
    private int[] position = new int[0];
    private int[] sliceOf = new int[0];
    private int[] wanted = new int[0];
    private float[] x = new float[0];
    private float[] qkv = new float[0];
    private float[] projected = new float[0];
    private float[] gateUp = new float[0];
    private float[] cos = new float[0];
    private float[] sin = new float[0];
    private final Activations normed;
    private final Activations attention;
    private final Activations activated;
    private final Activations logitInput;
    private float[] logitRows = new float[0];
    /** Each thread's copy of the row of logits it hands the sink (the sink may change it). */
    private final ThreadLocal<float[]> row;
    /** For the reductions the engine thread runs; attention has its own per thread. */
    private final float[] lanes = new float[VectorMath.LANES];

    private PanamaModelRunner(ModelConfig config, ModelWeights weights, Quantization quantization, int threads,
                              PackedStore packed) {
        this.config = config;
        this.packed = packed;
        this.hidden = config.hiddenSize();
        this.headDim = config.headDim();
        this.qDim = config.numHeads() * headDim;
        this.kvDim = config.numKvHeads() * headDim;
        this.groups = config.queriesPerKvHead();
        this.eps = (float) config.rmsNormEps();
        this.pool = new WorkerPool(threads);
        try {
            this.weights = new Qwen2Weights(config, weights, quantization, packed, pool);
            packed.logSummary();
            packed.removeUnused();
        } catch (RuntimeException e) {
            pool.close();
            packed.close();
            throw e;
        }
        this.embedding = this.weights.embedding;
        this.layers = this.weights.layers;
        this.lmHead = this.weights.lmHead;
        this.finalNorm = this.weights.finalNorm;
        this.inverseFrequencies = new double[headDim / 2];
        for (int i = 0; i < inverseFrequencies.length; i++) {
            inverseFrequencies[i] = Math.pow(config.ropeTheta(), -2.0 * i / headDim);
        }
        this.normed = new Activations(hidden);
        this.attention = new Activations(qDim);
        this.activated = new Activations(config.intermediateSize());
        this.logitInput = new Activations(hidden);
        int vocab = lmHead.rows;
        this.row = ThreadLocal.withInitial(() -> new float[vocab]);
        this.info = new RunnerInfo("cpu/panama", config.dtype(), this.weights.served().flagValue(), lmHead.rows,
                config.maxPositionEmbeddings(), true);
    }

    /**
     * A runner over {@code weights} (Hugging Face Qwen2 tensor names; float32 or bfloat16).
     *
     * @param threads cores to use; the physical cores are usually best
     */
    public static PanamaModelRunner load(ModelConfig config, ModelWeights weights, int threads) {
        return load(config, weights, Quantization.NONE, threads);
    }

    /** A runner over {@code weights} quantized to {@code quantization} as they are packed, in memory. */
    public static PanamaModelRunner load(ModelConfig config, ModelWeights weights, Quantization quantization, int threads) {
        return new PanamaModelRunner(config, weights, quantization, threads, PackedStore.inMemory());
    }

    /**
     * A runner whose packed matrices are files under {@code packedDirectory}, memory-mapped: the
     * first start writes them, later ones map them at once (see {@link PackedStore}). The
     * directory is these weights' own: files in it that this load does not use are deleted.
     */
    public static PanamaModelRunner load(ModelConfig config, ModelWeights weights, int threads, Path packedDirectory) {
        return load(config, weights, Quantization.NONE, threads, packedDirectory);
    }

    /** {@link #load(ModelConfig, ModelWeights, int, Path)} with the matrices quantized to {@code quantization}. */
    public static PanamaModelRunner load(ModelConfig config, ModelWeights weights, Quantization quantization, int threads,
                                         Path packedDirectory) {
        return new PanamaModelRunner(config, weights, quantization, threads, PackedStore.inFiles(packedDirectory, weights));
    }

    @Override
    public RunnerInfo info() {
        return info;
    }

    /** Bytes of weights read per decoded token (every matrix once; the embedding is one row). */
    public long bytesPerToken() {
        return weights.bytesPerToken();
    }

    /**
     * Arithmetic per token in the matrix products, in FLOP (a multiply and an add per weight of
     * every matrix); attention, which grows with the context, is not counted. A batch of
     * {@code n} tokens needs {@code n} times this, whatever the kernels.
     */
    public long flopsPerToken() {
        return weights.flopsPerToken();
    }

    /** The packed weights, for {@link ProductProbes}. */
    Qwen2Weights weights() {
        return weights;
    }

    /** The worker pool, for {@link ProductProbes}. */
    WorkerPool pool() {
        return pool;
    }

    /**
     * How many positions a KV budget holds for a model in blocks of {@code blockSize} positions
     * ({@link #DEFAULT_KV_CACHE_BYTES} when the budget is 0), so that a default context length can
     * be chosen that fits: whole blocks, exactly what {@link #allocateKvCache} will hold, since a
     * sequence's last block is taken whole however few of its positions it uses.
     */
    public static long positionsFor(ModelConfig config, long memoryBytes, int blockSize) {
        return (long) blocksFor(config, blockSize, memoryBytes) * blockSize;
    }

    /** The KV budget that holds {@code positions} positions of a model. */
    public static long bytesFor(ModelConfig config, long positions) {
        return positions * PagedKvCache.bytesPerBlock(config.numLayers(), config.numKvHeads(), config.headDim(), 1);
    }

    private static int blocksFor(ModelConfig config, int blockSize, long memoryBytes) {
        if (blockSize < 1) {
            throw new IllegalArgumentException("a KV block holds at least one position, got " + blockSize);
        }
        long perBlock = PagedKvCache.bytesPerBlock(config.numLayers(), config.numKvHeads(), config.headDim(), blockSize);
        long budget = memoryBytes > 0 ? memoryBytes : DEFAULT_KV_CACHE_BYTES;
        return (int) Math.min(Integer.MAX_VALUE / 2, budget / perBlock);
    }

    @Override
    public int allocateKvCache(int blockSize, long memoryBytes) {
        int blocks = blocksFor(config, blockSize, memoryBytes);
        if (cache != null) {
            cache.close();
        }
        cache = new PagedKvCache(layers.length, config.numKvHeads(), headDim, blockSize, blocks);
        pagedAttention = new PagedAttention(cache, config.numKvHeads(), headDim, groups);
        return blocks;
    }

    @Override
    public void execute(List<SequenceSlice> batch, LogitsSink sink) {
        execute(batch, sink, false);
    }

    @Override
    public void execute(List<SequenceSlice> batch, LogitsSink sink, boolean concurrentRows) {
        if (cache == null) {
            throw new IllegalStateException("allocateKvCache before execute");
        }
        int total = 0;
        for (SequenceSlice slice : batch) {
            total += slice.tokenIds().length;
        }
        grow(total);
        int t = 0;
        for (int s = 0; s < batch.size(); s++) {
            SequenceSlice slice = batch.get(s);
            slice.requireTokensBelow(Math.toIntExact(embedding.dim(0)));
            slice.requireBlocks(cache.blockSize(), cache.numBlocks());
            for (int i = 0; i < slice.tokenIds().length; i++, t++) {
                token[t] = slice.tokenIds()[i];
                position[t] = slice.startPosition() + i;
                sliceOf[t] = s;
            }
        }
        for (t = 0; t < total; t++) {
            embedding.copyFloats((long) token[t] * hidden, hidden, x, t * hidden);
        }
        ropeTables(total);
        for (int l = 0; l < layers.length; l++) {
            layer(l, layers[l], batch, total);
        }
        logits(batch, total, sink, concurrentRows);
    }

    private void grow(int tokens) {
        if (token.length < tokens) {
            token = new int[tokens];
            position = new int[tokens];
            sliceOf = new int[tokens];
            wanted = new int[tokens];
            x = new float[tokens * hidden];
            qkv = new float[tokens * (qDim + 2 * kvDim)];
            projected = new float[tokens * hidden];
            gateUp = new float[tokens * 2 * config.intermediateSize()];
            cos = new float[tokens * headDim / 2];
            sin = new float[tokens * headDim / 2];
        }
    }

    private void ropeTables(int tokens) {
        int half = headDim / 2;
        for (int t = 0; t < tokens; t++) {
            for (int i = 0; i < half; i++) {
                double angle = position[t] * inverseFrequencies[i];
                cos[t * half + i] = (float) Math.cos(angle);
                sin[t * half + i] = (float) Math.sin(angle);
            }
        }
    }

    private void layer(int index, Qwen2Weights.Layer layer, List<SequenceSlice> batch, int tokens) {
        int qkvWidth = qDim + 2 * kvDim;
        float[] h = normed.reset(tokens);
        for (int t = 0; t < tokens; t++) {
            VectorMath.rmsNorm(x, t * hidden, layer.inputNorm(), eps, h, t * hidden, hidden, lanes);
        }
        multiply(layer.qkvProjection(), normed, tokens, qkv, qkvWidth);
        int half = headDim / 2;
        for (int t = 0; t < tokens; t++) {
            VectorMath.add(qkv, t * qkvWidth, layer.qkvBias(), 0, qkvWidth);
            VectorMath.rope(qkv, t * qkvWidth, config.numHeads() + config.numKvHeads(), headDim, cos, sin, t * half);
            SequenceSlice slice = batch.get(sliceOf[t]);
            int p = position[t];
            cache.write(index, slice.blockTable()[p / cache.blockSize()], p % cache.blockSize(),
                    qkv, t * qkvWidth + qDim, qkv, t * qkvWidth + qDim + kvDim);
        }
        pagedAttention.attendAll(pool, index, batch, sliceOf, position, tokens, qkv, qkvWidth, attention.reset(tokens), qDim);
        multiply(layer.outputProjection(), attention, tokens, projected, hidden);
        VectorMath.add(x, 0, projected, 0, tokens * hidden);
        float[] h2 = normed.reset(tokens);
        for (int t = 0; t < tokens; t++) {
            VectorMath.rmsNorm(x, t * hidden, layer.postNorm(), eps, h2, t * hidden, hidden, lanes);
        }
        int inter = config.intermediateSize();
        multiply(layer.gateUpProjection(), normed, tokens, gateUp, 2 * inter);
        float[] act = activated.reset(tokens);
        RangeTask silu = (from, to) -> {
            for (int t = from; t < to; t++) {
                VectorMath.siluMul(gateUp, t * 2 * inter, gateUp, t * 2 * inter + inter, act, t * inter, inter);
            }
        };
        if (tokens > 1) {
            pool.run(tokens, silu);              // the one part of a layer besides attention and the products that shows
        } else {
            silu.run(0, 1);
        }
        multiply(layer.downProjection(), activated, tokens, projected, hidden);
        VectorMath.add(x, 0, projected, 0, tokens * hidden);
    }

    /** A matrix product over all tokens, its output rows shared out over the cores. */
    private void multiply(StackedMatrices matrix, Activations input, int tokens, float[] out, int outWidth) {
        float[] x = input.plain();
        pool.run(matrix.groups, matrix.alignment(tokens), (from, to) -> matrix.multiply(x, tokens, out, outWidth, from, to));
    }

    /** Final norm and lm_head for every position a slice asks logits for, handed to the sink in order. */
    private void logits(List<SequenceSlice> batch, int tokens, LogitsSink sink, boolean concurrentRows) {
        int count = 0;
        for (int t = 0; t < tokens; t++) {
            if (position[t] >= batch.get(sliceOf[t]).logitsFrom()) {
                wanted[count++] = t;
            }
        }
        int vocab = lmHead.rows;
        for (int first = 0; first < count; first += LOGIT_GROUP) {
            int group = Math.min(LOGIT_GROUP, count - first);
            float[] h = logitInput.reset(group);
            for (int g = 0; g < group; g++) {
                VectorMath.rmsNorm(x, wanted[first + g] * hidden, finalNorm, eps, h, g * hidden, hidden, lanes);
            }
            if (logitRows.length < group * vocab) {
                logitRows = new float[group * vocab];
            }
            multiply(lmHead, logitInput, group, logitRows, vocab);
            int at = first;
            RangeTask hand = (from, to) -> {
                float[] copy = row.get();
                for (int g = from; g < to; g++) {
                    int t = wanted[at + g];
                    System.arraycopy(logitRows, g * vocab, copy, 0, vocab);
                    sink.accept(sliceOf[t], position[t], copy);
                }
            };
            if (concurrentRows) {
                pool.run(group, hand);           // each core samples its share of the rows
            } else {
                hand.run(0, group);
            }
        }
    }

    @Override
    public void release(long sequenceId) {
        // The engine owns the blocks; nothing here is kept per sequence.
    }

    @Override
    public void close() {
        pool.close();
        packed.close();
        if (cache != null) {
            cache.close();
        }
    }
}
