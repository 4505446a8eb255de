package dev.vela.adapters.cpu;

import dev.vela.adapters.cpu.WorkerPool.RangeTask;
import dev.vela.application.port.out.LogitsSink;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.ModelWeights;
import dev.vela.application.port.out.RunnerInfo;
import dev.vela.application.port.out.SequenceSlice;
import dev.vela.application.port.out.WeightTensor;
import dev.vela.domain.model.ModelConfig;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * A {@link ModelRunner} on the CPU with Vela's own batched Qwen2 forward pass: one pass over the
 * weights per engine step serves every token of every sequence in the batch (the projections and
 * the MLP are matrix products over all of them), attention runs per sequence over its own blocks
 * of a paged KV cache. The matrices are repacked once into the layout the kernels stream
 * ({@link Matrix}), kept in memory-mapped files that later starts reuse, or off the heap
 * ({@link PackedStore}); embeddings, norms and biases are read from the memory-mapped
 * safetensors. Kernels use the Panama Vector API; work is split over the cores by groups of rows.
 *
 * <p>A sequence's logits are bit-for-bit the same whether it runs alone or in any batch: every
 * output element is computed by the same operations in the same order. Engine thread only.
 */
public final class PanamaModelRunner implements ModelRunner {

    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Rows of logits computed together (the lm_head is read once per group). */
    private static final int LOGIT_GROUP = 16;
    /** Positions of values the heads of a KV group go over in turn: a KV head's share of them stays in L1. */
    private static final int VALUE_CHUNK = 64;
    /** The KV budget when neither the command line nor the caller gives one. */
    public static final long DEFAULT_KV_CACHE_BYTES = 2L << 30;

    private final ModelConfig config;
    private final ModelWeights weights;
    private final RunnerInfo info;
    private final WorkerPool pool;
    private final WeightTensor embedding;
    /** Where the packed matrices are (files or memory), released on close. */
    private final PackedStore packed;
    private final Layer[] layers;
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
    private final ThreadLocal<AttentionScratch> attentionScratch = ThreadLocal.withInitial(AttentionScratch::new);

    /** One thread's working memory for {@link #attend}: a KV group's scores, their softmax normalisers, lanes to sum. */
    private static final class AttentionScratch {
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

    /** The weights of one decoder layer. */
    private record Layer(float[] inputNorm, StackedMatrices qkvProjection, float[] qkvBias, StackedMatrices outputProjection,
                         float[] postNorm, StackedMatrices gateUpProjection, StackedMatrices downProjection) {
    }

    private PanamaModelRunner(ModelConfig config, ModelWeights weights, int threads, PackedStore packed) {
        this.config = config;
        this.packed = packed;
        this.weights = weights;
        this.hidden = config.hiddenSize();
        this.headDim = config.headDim();
        this.qDim = config.numHeads() * headDim;
        this.kvDim = config.numKvHeads() * headDim;
        this.groups = config.queriesPerKvHead();
        this.eps = (float) config.rmsNormEps();
        this.pool = new WorkerPool(threads);
        this.embedding = weights.tensor("model.embed_tokens.weight");
        this.layers = new Layer[config.numLayers()];
        try {
            for (int i = 0; i < layers.length; i++) {
                layers[i] = layer(i);
            }
            this.lmHead = new StackedMatrices(matrix(config.tieWordEmbeddings() || !weights.contains("lm_head.weight")
                    ? "model.embed_tokens.weight" : "lm_head.weight"));
            packed.logSummary();
            packed.removeUnused();
        } catch (RuntimeException e) {
            pool.close();
            packed.close();
            throw e;
        }
        this.finalNorm = vector("model.norm.weight");
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
        this.info = new RunnerInfo("cpu/panama", config.dtype(), lmHead.rows, config.maxPositionEmbeddings(), true);
    }

    /**
     * A runner over {@code weights} (Hugging Face Qwen2 tensor names; float32 or bfloat16).
     *
     * @param threads cores to use; the physical cores are usually best
     */
    public static PanamaModelRunner load(ModelConfig config, ModelWeights weights, int threads) {
        return new PanamaModelRunner(config, weights, threads, PackedStore.inMemory());
    }

    /**
     * A runner whose packed matrices are files under {@code packedDirectory}, memory-mapped: the
     * first start writes them, later ones map them at once (see {@link PackedStore}). The
     * directory is these weights' own: files in it that this load does not use are deleted.
     */
    public static PanamaModelRunner load(ModelConfig config, ModelWeights weights, int threads, Path packedDirectory) {
        return new PanamaModelRunner(config, weights, threads, PackedStore.inFiles(packedDirectory, weights));
    }

    private Layer layer(int i) {
        String p = "model.layers." + i + ".";
        StackedMatrices qkvProjection = new StackedMatrices(matrix(p + "self_attn.q_proj.weight"),
                matrix(p + "self_attn.k_proj.weight"), matrix(p + "self_attn.v_proj.weight"));
        float[] bias = new float[qDim + 2 * kvDim];
        copyVector(weights.tensor(p + "self_attn.q_proj.bias"), bias, 0);
        copyVector(weights.tensor(p + "self_attn.k_proj.bias"), bias, qDim);
        copyVector(weights.tensor(p + "self_attn.v_proj.bias"), bias, qDim + kvDim);
        return new Layer(vector(p + "input_layernorm.weight"), qkvProjection, bias,
                new StackedMatrices(matrix(p + "self_attn.o_proj.weight")), vector(p + "post_attention_layernorm.weight"),
                new StackedMatrices(matrix(p + "mlp.gate_proj.weight"), matrix(p + "mlp.up_proj.weight")),
                new StackedMatrices(matrix(p + "mlp.down_proj.weight")));
    }

    private Matrix matrix(String name) {
        return Matrix.pack(weights.tensor(name), packed, pool);
    }

    /** A small weight vector (norm, bias) as floats on the heap; they are a few kilobytes each. */
    private float[] vector(String name) {
        WeightTensor tensor = weights.tensor(name);
        float[] values = new float[Math.toIntExact(tensor.elements())];
        copyVector(tensor, values, 0);
        return values;
    }

    private static void copyVector(WeightTensor tensor, float[] into, int at) {
        copyElements(tensor, 0, Math.toIntExact(tensor.elements()), into, at);
    }

    /** Elements {@code [first, first + n)} of {@code tensor} as floats (an embedding row, a norm). */
    private static void copyElements(WeightTensor tensor, long first, int n, float[] into, int at) {
        MemorySegment data = tensor.data();
        switch (tensor.type()) {
            case F32 -> MemorySegment.copy(data, Matrix.FLOAT, 4 * first, into, at, n);
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    into[at + i] = Float.intBitsToFloat(data.get(Matrix.SHORT, 2 * (first + i)) << 16);
                }
            }
            // a float16 norm or bias beside bfloat16 or float32 matrices (float16 matrices are refused)
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    into[at + i] = Float.float16ToFloat(data.get(Matrix.SHORT, 2 * (first + i)));
                }
            }
        }
    }

    @Override
    public RunnerInfo info() {
        return info;
    }

    /** Every matrix a decoded token goes through once: each layer's four, then the lm_head. */
    private List<StackedMatrices> matrices() {
        List<StackedMatrices> all = new ArrayList<>();
        for (Layer layer : layers) {
            all.addAll(List.of(layer.qkvProjection, layer.outputProjection, layer.gateUpProjection, layer.downProjection));
        }
        all.add(lmHead);
        return all;
    }

    /** Bytes of weights read per decoded token (every matrix once; the embedding is one row). */
    public long bytesPerToken() {
        return matrices().stream().mapToLong(StackedMatrices::bytes).sum();
    }

    /**
     * Arithmetic per token in the matrix products, in FLOP (a multiply and an add per weight of
     * every matrix); attention, which grows with the context, is not counted. A batch of
     * {@code n} tokens needs {@code n} times this, whatever the kernels.
     */
    public long flopsPerToken() {
        return 2 * matrices().stream().mapToLong(matrix -> (long) matrix.rows * matrix.cols()).sum();
    }

    /**
     * The rate of this runner's matrix products alone, in FLOP per second: every matrix a token goes
     * through ({@link #flopsPerToken}), over {@code tokens} tokens of fixed activations, on the
     * runner's pool, {@code repeats} times (after one untimed pass). No step can run its products
     * faster than this, so {@code rate / flopsPerToken()} bounds the tokens per second of a step of
     * {@code tokens} sequences however little else it does. For benchmarks; not while serving.
     */
    public double productRate(int tokens, int repeats) {
        List<StackedMatrices> all = matrices();
        float[] x = benchmarkActivations(all, tokens);
        float[] out = new float[tokens * all.stream().mapToInt(matrix -> matrix.rows).max().orElse(0)];
        long start = 0;
        for (int pass = 0; pass <= repeats; pass++) {
            if (pass == 1) {
                start = System.nanoTime();
            }
            for (StackedMatrices matrix : all) {
                int rows = matrix.rows;
                pool.run(matrix.groups, matrix.alignment(tokens), (from, to) -> matrix.multiply(x, tokens, out, rows, from, to));
            }
        }
        return (double) flopsPerToken() * tokens * repeats / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * The same kernels on weights that stay in the core's cache, in FLOP per second on the calling
     * thread alone: each matrix's first block of a batched product (what a step reads from memory
     * once and then goes over once per tile of tokens), {@code repeats} times in a row. Beside
     * {@link #productRate} per core, the difference is what fetching the weights from memory costs
     * the products. For benchmarks; not while serving.
     */
    public double residentProductRate(int tokens, int repeats) {
        List<StackedMatrices> all = matrices();
        float[] x = benchmarkActivations(all, tokens);
        float[] out = new float[tokens * all.stream().mapToInt(matrix -> matrix.rows).max().orElse(0)];
        long nanos = 0;
        double flops = 0;
        for (StackedMatrices matrix : all) {
            int groups = Math.min(matrix.groups, matrix.alignment(tokens));
            matrix.multiply(x, tokens, out, matrix.rows, 0, groups);          // brought into the cache, untimed
            long start = System.nanoTime();
            for (int r = 0; r < repeats; r++) {
                matrix.multiply(x, tokens, out, matrix.rows, 0, groups);
            }
            nanos += System.nanoTime() - start;
            flops += 2.0 * Math.min(matrix.rows, groups * Matrix.GROUP) * matrix.cols() * tokens * repeats;
        }
        return flops / (nanos / 1e9);
    }

    /** Fixed activations in [-1, 1] for {@code tokens} tokens as wide as the widest of {@code matrices}. */
    private static float[] benchmarkActivations(List<StackedMatrices> matrices, int tokens) {
        float[] x = new float[tokens * matrices.stream().mapToInt(StackedMatrices::cols).max().orElse(0)];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 7919) % 2001 - 1000) / 1000f;
        }
        return x;
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
            copyElements(embedding, (long) token[t] * hidden, hidden, x, t * hidden);
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

    private void layer(int index, Layer layer, List<SequenceSlice> batch, int tokens) {
        int qkvWidth = qDim + 2 * kvDim;
        float[] h = normed.reset(tokens);
        for (int t = 0; t < tokens; t++) {
            VectorMath.rmsNorm(x, t * hidden, layer.inputNorm, eps, h, t * hidden, hidden, lanes);
        }
        multiply(layer.qkvProjection, normed, tokens, qkv, qkvWidth);
        int half = headDim / 2;
        for (int t = 0; t < tokens; t++) {
            VectorMath.add(qkv, t * qkvWidth, layer.qkvBias, 0, qkvWidth);
            VectorMath.rope(qkv, t * qkvWidth, config.numHeads() + config.numKvHeads(), headDim, cos, sin, t * half);
            SequenceSlice slice = batch.get(sliceOf[t]);
            int p = position[t];
            cache.write(index, slice.blockTable()[p / cache.blockSize()], p % cache.blockSize(),
                    qkv, t * qkvWidth + qDim, qkv, t * qkvWidth + qDim + kvDim);
        }
        float[] attended = attention.reset(tokens);
        int kvHeads = config.numKvHeads();
        int work = tokens * kvHeads;
        // last tokens first: in a prompt they attend to the most positions, and the threads that
        // claim the cheap early ones at the end even out the finish
        pool.run(work, (from, to) -> {
            AttentionScratch scratch = attentionScratch.get();
            for (int item = from; item < to; item++) {
                int w = work - 1 - item;
                int t = w / kvHeads;
                attend(index, batch.get(sliceOf[t]), position[t], t * qkvWidth, w % kvHeads, attended, t * qDim, scratch);
            }
        });
        multiply(layer.outputProjection, attention, tokens, projected, hidden);
        VectorMath.add(x, 0, projected, 0, tokens * hidden);
        float[] h2 = normed.reset(tokens);
        for (int t = 0; t < tokens; t++) {
            VectorMath.rmsNorm(x, t * hidden, layer.postNorm, eps, h2, t * hidden, hidden, lanes);
        }
        int inter = config.intermediateSize();
        multiply(layer.gateUpProjection, normed, tokens, gateUp, 2 * inter);
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
        multiply(layer.downProjection, activated, tokens, projected, hidden);
        VectorMath.add(x, 0, projected, 0, tokens * hidden);
    }

    /** A matrix product over all tokens, its output rows shared out over the cores. */
    private void multiply(StackedMatrices matrix, Activations input, int tokens, float[] out, int outWidth) {
        float[] x = input.plain();
        pool.run(matrix.groups, matrix.alignment(tokens), (from, to) -> matrix.multiply(x, tokens, out, outWidth, from, to));
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
    private void attend(int layer, SequenceSlice slice, int position, int qBase, int kvHead, float[] out, int outBase,
                        AttentionScratch scratch) {
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
                        scoreTwoHeads(keys, row + 4L * o, keyStride, qAt, score, h * rowLength + at + o, rowLength, scale);
                    }
                    for (; o < blockSize; o += L) {
                        scoreOneVector(keys, row + 4L * o, keyStride, qAt, score, h * rowLength + at + o, scale);
                        scoreOneVector(keys, row + 4L * o, keyStride, qAt + headDim, score, (h + 1) * rowLength + at + o, scale);
                    }
                }
            }
            for (; h < groups; h++) {
                int qAt = qBase + (firstHead + h) * headDim;
                int o = 0;
                if (vectors) {
                    for (; o + 2 * L <= blockSize; o += 2 * L) {
                        scoreTwoVectors(keys, row + 4L * o, keyStride, qAt, score, h * rowLength + at + o, scale);
                    }
                    for (; o < blockSize; o += L) {
                        scoreOneVector(keys, row + 4L * o, keyStride, qAt, score, h * rowLength + at + o, scale);
                    }
                }
                for (; o < blockSize && at + o < length; o++) {
                    score[h * rowLength + at + o] = scoreOne(keys, row + 4L * o, keyStride, qAt, scale);
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
    private void scoreTwoHeads(MemorySegment keys, long row, long stride, int qAt, float[] score, int at, int rowLength,
                               float scale) {
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
    private void scoreTwoVectors(MemorySegment keys, long row, long stride, int qAt, float[] score, int at, float scale) {
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
    private void scoreOneVector(MemorySegment keys, long row, long stride, int qAt, float[] score, int at, float scale) {
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
    private float scoreOne(MemorySegment keys, long row, long stride, int qAt, float scale) {
        float low = chain(keys, row, stride, qAt, 0, headDim / 2);
        float high = chain(keys, row, stride, qAt, headDim / 2, headDim);
        return (low + high) * scale;
    }

    /** One position's chain of multiply-adds over key dimensions {@code [from, to)}. */
    private float chain(MemorySegment keys, long row, long stride, int qAt, int from, int to) {
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
        long positionBytes = (long) config.numKvHeads() * headDim * Float.BYTES;
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
