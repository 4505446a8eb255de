package dev.vela.adapters.gpu.tp;

import dev.vela.domain.model.ModelConfig;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The Qwen2 forward pass of the tensor-parallel ranks one worker drives, on one {@link Backend}
 * and one {@link Collective}: all of them on a CPU or on one GPU (logical ranks), or a single rank
 * per GPU with NCCL. Each layer reads as the Megatron data flow:
 *
 * <pre>
 * x ─add+rmsnorm─▶ qkv_r ─bias+rope+kv write─▶ attention(local heads) ─▶ o_r ─▶ ALL-REDUCE
 *   ─add+rmsnorm─▶ gate_up_r ─silu·mul─▶ down_r ─▶ ALL-REDUCE ─▶ next layer
 * </pre>
 *
 * The residual stream is fp32 and replicated on every rank; only the positions whose logits are
 * wanted go through the final norm and the rank's vocab slice of lm_head, and each rank writes its
 * fp32 logits into its columns of the gathered host rows. Not thread-safe: the worker's thread only.
 */
public final class Qwen2TpEngine implements AutoCloseable {

    /** The most logits rows one lm_head pass takes unless {@link #reserve} asked for more: a decode batch of 256. */
    public static final int LOGIT_ROWS = 256;
    private static final int SPINS_BEFORE_PARKING = 10_000;
    private static final long POLL_NANOS = 20_000;

    private final ShardPlan plan;
    private final Backend backend;
    private final Collective collective;
    private final List<Rank> ranks;
    private final Tensor inverseFrequencies;
    private final float eps;
    private int blockSize;
    private int numBlocks;
    private int tokenCapacity;
    private int rowCapacity;
    private Tensor metadata;

    /** The weights, KV cache and workspace of one rank. */
    private static final class Rank {
        final int index;
        final HeadLayout heads;
        final Tensor embedding;
        final Layer[] layers;
        final Tensor finalNorm;
        final Tensor lmHead;
        Tensor[] keyCache = new Tensor[0];
        Tensor[] valueCache = new Tensor[0];
        Tensor residual;
        Tensor x;
        Tensor normed;
        Tensor qkv;
        Tensor attention;
        Tensor gateUp;
        Tensor activated;
        Tensor selected;
        Tensor logits;

        Rank(int index, HeadLayout heads, Tensor embedding, Layer[] layers, Tensor finalNorm, Tensor lmHead) {
            this.index = index;
            this.heads = heads;
            this.embedding = embedding;
            this.layers = layers;
            this.finalNorm = finalNorm;
            this.lmHead = lmHead;
        }
    }

    private record Layer(Tensor inputNorm, Tensor qkv, Tensor qkvBias, Tensor oProj, Tensor postAttentionNorm,
                         Tensor gateUp, Tensor down) {
    }

    private Qwen2TpEngine(ShardPlan plan, Backend backend, Collective collective, List<Rank> ranks) {
        this.plan = plan;
        this.backend = backend;
        this.collective = collective;
        this.ranks = ranks;
        this.eps = (float) plan.model().rmsNormEps();
        this.inverseFrequencies = backend.allocate(ElementType.F32, plan.headDim() / 2);
        backend.upload(inverseFrequencies(plan.model()), inverseFrequencies);
    }

    /**
     * Loads the weights of {@code ranks} (ascending, consecutive) onto {@code backend}. Call on the
     * thread that owns the backend.
     */
    public static Qwen2TpEngine load(ShardPlan plan, int[] ranks, Backend backend, Collective collective,
                                     WeightSource weights) {
        List<Rank> loaded = new ArrayList<>();
        ModelConfig model = plan.model();
        for (int rank : ranks) {
            Layer[] layers = new Layer[model.numLayers()];
            for (int l = 0; l < layers.length; l++) {
                layers[l] = new Layer(load(plan.inputNorm(l), backend, weights), load(plan.qkv(rank, l), backend, weights),
                        load(plan.qkvBias(rank, l), backend, weights), load(plan.oProj(rank, l), backend, weights),
                        load(plan.postAttentionNorm(l), backend, weights), load(plan.gateUp(rank, l), backend, weights),
                        load(plan.down(rank, l), backend, weights));
            }
            loaded.add(new Rank(rank, plan.heads(rank), load(plan.embedding(), backend, weights), layers,
                    load(plan.finalNorm(), backend, weights), load(plan.lmHead(rank), backend, weights)));
        }
        return new Qwen2TpEngine(plan, backend, collective, List.copyOf(loaded));
    }

    private static Tensor load(ShardedTensor spec, Backend backend, WeightSource weights) {
        Tensor tensor = backend.allocate(backend.activationType(), spec.elements());
        if (spec.padded()) {
            backend.fill(tensor, 0.0f);
        }
        weights.load(backend, spec, tensor);
        return tensor;
    }

    /** {@code 1 / theta^(2i/d)} for the rotary pairs, computed in double as the tables of HF and vLLM are. */
    static float[] inverseFrequencies(ModelConfig model) {
        int d = model.headDim();
        float[] frequencies = new float[d / 2];
        for (int i = 0; i < frequencies.length; i++) {
            frequencies[i] = (float) (1.0 / Math.pow(model.ropeTheta(), 2.0 * i / d));
        }
        return frequencies;
    }

    public Backend backend() {
        return backend;
    }

    /** The tensor-parallel ranks this worker drives, ascending. */
    public int[] ranks() {
        return ranks.stream().mapToInt(rank -> rank.index).toArray();
    }

    /** Bytes one KV-cache block of {@code blockSize} positions takes on this worker's device (all its ranks, all layers). */
    public long kvBytesPerBlock(int blockSize) {
        return 2L * ranks.size() * plan.model().numLayers() * blockSize * plan.kvHeadsPerRank() * plan.headDim()
                * backend.activationType().bytes();
    }

    /** Allocates every rank's paged cache: per layer, keys and values of {@code [numBlocks, blockSize, kv heads, d]}. */
    public void allocateKvCache(int blockSize, int numBlocks) {
        if (this.numBlocks != 0) {
            throw new IllegalStateException("the KV cache is already allocated");
        }
        long elements = (long) numBlocks * blockSize * plan.kvHeadsPerRank() * plan.headDim();
        for (Rank rank : ranks) {
            int layers = plan.model().numLayers();
            rank.keyCache = new Tensor[layers];
            rank.valueCache = new Tensor[layers];
            for (int l = 0; l < layers; l++) {
                rank.keyCache[l] = backend.allocate(backend.activationType(), elements);
                rank.valueCache[l] = backend.allocate(backend.activationType(), elements);
            }
        }
        this.blockSize = blockSize;
        this.numBlocks = numBlocks;
    }

    /**
     * Makes room for steps of {@code tokens} tokens and lm_head passes of {@code rows} logits rows
     * (grows, never shrinks); a step that wants more rows takes several passes.
     */
    public void reserve(int tokens, int rows) {
        if (tokens > tokenCapacity) {
            tokenCapacity = tokens;
            ModelConfig m = plan.model();
            ElementType act = backend.activationType();
            for (Rank rank : ranks) {
                free(rank.residual, rank.x, rank.normed, rank.qkv, rank.attention, rank.gateUp, rank.activated);
                rank.residual = backend.allocate(ElementType.F32, (long) tokens * m.hiddenSize());
                rank.x = backend.allocate(act, (long) tokens * m.hiddenSize());
                rank.normed = backend.allocate(act, (long) tokens * m.hiddenSize());
                rank.qkv = backend.allocate(act, (long) tokens * plan.qkvWidth());
                rank.attention = backend.allocate(act, (long) tokens * plan.qHeadsPerRank() * plan.headDim());
                rank.gateUp = backend.allocate(act, 2L * tokens * plan.intermediatePerRank());
                rank.activated = backend.allocate(act, (long) tokens * plan.intermediatePerRank());
            }
        }
        if (rows > rowCapacity) {
            rowCapacity = rows;
            for (Rank rank : ranks) {
                free(rank.selected, rank.logits);
                rank.selected = backend.allocate(backend.activationType(), (long) rows * plan.model().hiddenSize());
                rank.logits = backend.allocate(ElementType.F32, (long) rows * plan.vocabPerRank());
            }
        }
    }

    /**
     * Runs one step and writes each logits row, {@code [0, paddedVocab)} fp32, {@code rowPitch}
     * bytes apart into {@code hostLogits}; this worker fills its ranks' columns. Returns when the
     * logits are in host memory. When anything fails here, or {@code watch} says another worker
     * failed or the deadline passed, the failure goes to {@code watch}, the collective is aborted so
     * that no peer waits for this worker's all-reduces, and the error is rethrown.
     */
    public void forward(StepBatch step, MemorySegment hostLogits, long rowPitch, StepWatch watch) {
        try {
            run(step, hostLogits, rowPitch, watch);
        } catch (RuntimeException | Error e) {
            watch.fail(e);
            try {
                collective.abort();
            } catch (RuntimeException | Error suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void run(StepBatch step, MemorySegment hostLogits, long rowPitch, StepWatch watch) {
        if (numBlocks == 0) {
            throw new IllegalStateException("allocateKvCache must come before the first forward pass");
        }
        int[] packed = step.packed();
        // rows beyond the reserved ones take more lm_head passes: prompt logprobs must not grow the
        // workspace once the KV cache has taken what was free
        reserve(step.tokens(), rowCapacity == 0 ? Math.min(step.rows(), LOGIT_ROWS) : 0);
        if (metadata == null || metadata.elements() < packed.length) {
            free(metadata);
            metadata = backend.allocate(ElementType.I32, Math.max(packed.length, 2L * metadataCapacity()));
        }
        backend.upload(packed, packed.length, metadata);
        StepTensors meta = StepTensors.of(step, metadata);
        int t = step.tokens();
        int h = plan.model().hiddenSize();
        for (Rank rank : ranks) {
            backend.gatherRows(rank.embedding, meta.tokenIds(), t, h, rank.x);
        }
        for (int l = 0; l < plan.model().numLayers(); l++) {
            for (Rank rank : ranks) {
                attentionBlock(rank, l, meta);
            }
            allReduce(t * (long) h);
            for (Rank rank : ranks) {
                mlpBlock(rank, l, t);
            }
            allReduce(t * (long) h);
        }
        if (step.rows() > 0) {
            for (Rank rank : ranks) {
                logits(rank, meta, hostLogits, rowPitch);
            }
        }
        awaitDevice(watch);
    }

    /**
     * Waits for the device by polling, so that a peer's failure, the collective's own error or the
     * deadline ends the wait: a blocking synchronize would wait forever on an all-reduce whose peer
     * never launched. Spins briefly (a decode step's tail), then parks between polls.
     */
    private void awaitDevice(StepWatch watch) {
        for (int polls = 0; !backend.idle(); polls++) {
            collective.check();
            watch.check();
            if (polls < SPINS_BEFORE_PARKING) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(POLL_NANOS);
            }
        }
        backend.synchronize();
    }

    private long metadataCapacity() {
        return metadata == null ? 512 : metadata.elements();
    }

    private void attentionBlock(Rank rank, int l, StepTensors meta) {
        Layer layer = rank.layers[l];
        int t = meta.tokens();
        int h = plan.model().hiddenSize();
        backend.addRmsNorm(rank.residual, rank.x, layer.inputNorm(), rank.normed, t, h, eps, l > 0);
        backend.gemm(rank.normed, layer.qkv(), rank.qkv, t, h, plan.qkvWidth());
        backend.qkvBiasRopeCache(rank.qkv, layer.qkvBias(), meta, inverseFrequencies, rank.heads,
                rank.keyCache[l], rank.valueCache[l]);
        backend.attention(rank.qkv, meta, rank.heads, blockSize, rank.keyCache[l], rank.valueCache[l], rank.attention);
        backend.gemm(rank.attention, layer.oProj(), rank.x, t, plan.qHeadsPerRank() * plan.headDim(), h);
    }

    private void mlpBlock(Rank rank, int l, int t) {
        Layer layer = rank.layers[l];
        int h = plan.model().hiddenSize();
        int i = plan.intermediatePerRank();
        backend.addRmsNorm(rank.residual, rank.x, layer.postAttentionNorm(), rank.normed, t, h, eps, true);
        backend.gemm(rank.normed, layer.gateUp(), rank.gateUp, t, h, 2 * i);
        backend.siluMul(rank.gateUp, rank.activated, t, i);
        backend.gemm(rank.activated, layer.down(), rank.x, t, i, h);
    }

    /** The final norm over every token, then lm_head over the wanted rows, {@code rowCapacity} rows a pass. */
    private void logits(Rank rank, StepTensors meta, MemorySegment hostLogits, long rowPitch) {
        int h = plan.model().hiddenSize();
        int rows = meta.batch().rows();
        long columnOffset = (long) plan.vocabStart(rank.index) * Float.BYTES;
        backend.addRmsNorm(rank.residual, rank.x, rank.finalNorm, rank.normed, meta.tokens(), h, eps, true);
        for (int first = 0; first < rows; first += rowCapacity) {
            int count = Math.min(rowCapacity, rows - first);
            backend.gatherRows(rank.normed, meta.logitRows().slice(first, count), count, h, rank.selected);
            backend.gemm(rank.selected, rank.lmHead, rank.logits, count, h, plan.vocabPerRank());
            backend.downloadLogits(rank.logits, count, plan.vocabPerRank(), hostLogits, first * rowPitch + columnOffset,
                    rowPitch);
        }
    }

    private void allReduce(long count) {
        if (plan.tensorParallelSize() == 1) {
            return;
        }
        List<Tensor> partials = new ArrayList<>(ranks.size());
        for (Rank rank : ranks) {
            partials.add(rank.x.slice(0, count));
        }
        collective.allReduceSum(partials, count);
    }

    private void free(Tensor... tensors) {
        for (Tensor tensor : tensors) {
            if (tensor != null) {
                backend.free(tensor);
            }
        }
    }

    /** Frees every tensor; the backend and collective stay open (their owner closes them). */
    @Override
    public void close() {
        for (Rank rank : ranks) {
            free(rank.embedding, rank.finalNorm, rank.lmHead, rank.residual, rank.x, rank.normed, rank.qkv,
                    rank.attention, rank.gateUp, rank.activated, rank.selected, rank.logits);
            for (Layer layer : rank.layers) {
                free(layer.inputNorm(), layer.qkv(), layer.qkvBias(), layer.oProj(), layer.postAttentionNorm(),
                        layer.gateUp(), layer.down());
            }
            free(rank.keyCache);
            free(rank.valueCache);
        }
        free(inverseFrequencies, metadata);
    }
}
