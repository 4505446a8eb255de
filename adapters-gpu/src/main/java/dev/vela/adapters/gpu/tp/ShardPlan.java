package dev.vela.adapters.gpu.tp;

import dev.vela.application.port.out.Qwen2Tensor;
import dev.vela.domain.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * How a Qwen2 model is split over {@code tp} tensor-parallel ranks, Megatron/vLLM style: q/k/v and
 * gate/up are column-parallel (each rank holds whole heads, whole rows), o_proj and down_proj are
 * row-parallel (each rank holds the matching input columns and its output is a partial sum to
 * all-reduce), the embedding and the norms are replicated, and lm_head is vocab-parallel over a
 * vocabulary padded to a multiple of {@code 64·tp}. When there are fewer KV heads than ranks, each
 * KV head is replicated on {@code tp / num_key_value_heads} consecutive ranks (vLLM's
 * {@code num_kv_head_replicas}). Pure index arithmetic; nothing here touches memory.
 */
public record ShardPlan(ModelConfig model, int tensorParallelSize) {

    /** vLLM's {@code DEFAULT_VOCAB_PADDING_SIZE}: each rank's vocabulary slice is a multiple of it. */
    public static final int VOCAB_PADDING = 64;

    public ShardPlan {
        int tp = tensorParallelSize;
        if (tp != 1 && tp != 2 && tp != 4 && tp != 8) {
            throw new IllegalArgumentException("--tensor-parallel-size must be 1, 2, 4 or 8, got " + tp);
        }
        if (model.numHeads() % tp != 0) {
            throw new IllegalArgumentException("Total number of attention heads (" + model.numHeads()
                    + ") must be divisible by tensor parallel size (" + tp + ").");
        }
        if (model.numKvHeads() % tp != 0 && tp % model.numKvHeads() != 0) {
            throw new IllegalArgumentException("Total number of key/value heads (" + model.numKvHeads()
                    + ") must be divisible by tensor parallel size (" + tp
                    + "), or tensor parallel size by it, so that ranks hold whole or replicated KV heads.");
        }
        if (model.intermediateSize() % tp != 0) {
            throw new IllegalArgumentException("intermediate_size (" + model.intermediateSize()
                    + ") must be divisible by tensor parallel size (" + tp + ").");
        }
        if (model.headDim() % 2 != 0) {
            throw new IllegalArgumentException("head_dim (" + model.headDim() + ") must be even for rotary embeddings");
        }
    }

    public int headDim() {
        return model.headDim();
    }

    /** Query heads on each rank. */
    public int qHeadsPerRank() {
        return model.numHeads() / tensorParallelSize;
    }

    /** KV heads on each rank: a share of them, or one replicated head. */
    public int kvHeadsPerRank() {
        return Math.max(1, model.numKvHeads() / tensorParallelSize);
    }

    /** On how many ranks each KV head lives (1 unless there are fewer KV heads than ranks). */
    public int kvHeadReplicas() {
        return Math.max(1, tensorParallelSize / model.numKvHeads());
    }

    /** The first query head of {@code rank}. */
    public int firstQHead(int rank) {
        checkRank(rank);
        return rank * qHeadsPerRank();
    }

    /** The first KV head of {@code rank}; with replication, {@code rank / replicas} (vLLM's shard id). */
    public int firstKvHead(int rank) {
        checkRank(rank);
        return rank / kvHeadReplicas() * kvHeadsPerRank();
    }

    /** The attention heads {@code rank} computes and the KV heads it keeps. */
    public HeadLayout heads(int rank) {
        return new HeadLayout(qHeadsPerRank(), kvHeadsPerRank(), headDim(), firstQHead(rank), firstKvHead(rank),
                model.queriesPerKvHead());
    }

    /** Width of a rank's merged q|k|v projection output. */
    public int qkvWidth() {
        return (qHeadsPerRank() + 2 * kvHeadsPerRank()) * headDim();
    }

    /** Rows of the MLP's intermediate dimension on each rank. */
    public int intermediatePerRank() {
        return model.intermediateSize() / tensorParallelSize;
    }

    /** The vocabulary rounded up to a multiple of {@code 64·tp}, so ranks get equal, aligned slices. */
    public int paddedVocab() {
        int multiple = VOCAB_PADDING * tensorParallelSize;
        return (model.vocabSize() + multiple - 1) / multiple * multiple;
    }

    /** lm_head rows on each rank (padding included). */
    public int vocabPerRank() {
        return paddedVocab() / tensorParallelSize;
    }

    /** The first vocabulary id of {@code rank}'s lm_head slice. */
    public int vocabStart(int rank) {
        checkRank(rank);
        return rank * vocabPerRank();
    }

    /** Real (non-padding) vocabulary rows on {@code rank}: its logits columns that are not dropped. */
    public int realVocabRows(int rank) {
        return Math.clamp(model.vocabSize() - (long) vocabStart(rank), 0, vocabPerRank());
    }

    /** The replicated token embedding {@code [V, h]}. */
    public ShardedTensor embedding() {
        int v = model.vocabSize();
        int h = model.hiddenSize();
        return new ShardedTensor("embed_tokens", v, h, List.of(new Region(Qwen2Tensor.EMBEDDING, h, 0, 0, v, h, 0, 0)));
    }

    public ShardedTensor inputNorm(int layer) {
        return vector("layers." + layer + ".input_layernorm", Qwen2Tensor.INPUT_LAYERNORM.of(layer));
    }

    public ShardedTensor postAttentionNorm(int layer) {
        return vector("layers." + layer + ".post_attention_layernorm", Qwen2Tensor.POST_ATTENTION_LAYERNORM.of(layer));
    }

    public ShardedTensor finalNorm() {
        return vector("norm", Qwen2Tensor.FINAL_NORM);
    }

    /** {@code rank}'s q heads, then its k heads, then its v heads, stacked as rows of one {@code [qkvWidth, h]} matrix. */
    public ShardedTensor qkv(int rank, int layer) {
        int h = model.hiddenSize();
        int d = headDim();
        int q = qHeadsPerRank() * d;
        int kv = kvHeadsPerRank() * d;
        long q0 = (long) firstQHead(rank) * d;
        long kv0 = (long) firstKvHead(rank) * d;
        return new ShardedTensor("layers." + layer + ".qkv", qkvWidth(), h, List.of(
                new Region(Qwen2Tensor.Q_PROJ.of(layer), h, q0, 0, q, h, 0, 0),
                new Region(Qwen2Tensor.K_PROJ.of(layer), h, kv0, 0, kv, h, q, 0),
                new Region(Qwen2Tensor.V_PROJ.of(layer), h, kv0, 0, kv, h, q + kv, 0)));
    }

    /** The q, k and v biases of {@code rank}'s heads, travelling with their rows: {@code [1, qkvWidth]}. */
    public ShardedTensor qkvBias(int rank, int layer) {
        int d = headDim();
        int q = qHeadsPerRank() * d;
        int kv = kvHeadsPerRank() * d;
        long q0 = (long) firstQHead(rank) * d;
        long kv0 = (long) firstKvHead(rank) * d;
        long qAll = (long) model.numHeads() * d;
        long kvAll = (long) model.numKvHeads() * d;
        return new ShardedTensor("layers." + layer + ".qkv_bias", 1, qkvWidth(), List.of(
                new Region(Qwen2Tensor.Q_PROJ_BIAS.of(layer), qAll, 0, q0, 1, q, 0, 0),
                new Region(Qwen2Tensor.K_PROJ_BIAS.of(layer), kvAll, 0, kv0, 1, kv, 0, q),
                new Region(Qwen2Tensor.V_PROJ_BIAS.of(layer), kvAll, 0, kv0, 1, kv, 0, q + kv)));
    }

    /** Row-parallel o_proj: the input columns of {@code rank}'s q heads, {@code [h, q heads·d]}. */
    public ShardedTensor oProj(int rank, int layer) {
        int h = model.hiddenSize();
        int d = headDim();
        int q = qHeadsPerRank() * d;
        long qAll = (long) model.numHeads() * d;
        return new ShardedTensor("layers." + layer + ".o_proj", h, q, List.of(
                new Region(Qwen2Tensor.O_PROJ.of(layer), qAll, 0, (long) firstQHead(rank) * d, h, q, 0, 0)));
    }

    /** {@code rank}'s rows of gate_proj, then the same rows of up_proj: {@code [2·I/tp, h]}. */
    public ShardedTensor gateUp(int rank, int layer) {
        int h = model.hiddenSize();
        int i = intermediatePerRank();
        long i0 = (long) rank * i;
        return new ShardedTensor("layers." + layer + ".gate_up", 2L * i, h, List.of(
                new Region(Qwen2Tensor.GATE_PROJ.of(layer), h, i0, 0, i, h, 0, 0),
                new Region(Qwen2Tensor.UP_PROJ.of(layer), h, i0, 0, i, h, i, 0)));
    }

    /** Row-parallel down_proj: the input columns of {@code rank}'s intermediate rows, {@code [h, I/tp]}. */
    public ShardedTensor down(int rank, int layer) {
        int h = model.hiddenSize();
        int i = intermediatePerRank();
        return new ShardedTensor("layers." + layer + ".down_proj", h, i, List.of(
                new Region(Qwen2Tensor.DOWN_PROJ.of(layer), model.intermediateSize(), 0, (long) rank * i, h, i, 0, 0)));
    }

    /**
     * Vocab-parallel lm_head (the embedding when tied): rows {@code [vocabStart, vocabStart + vocabPerRank)},
     * the rows past the vocabulary left zero.
     */
    public ShardedTensor lmHead(int rank) {
        int h = model.hiddenSize();
        String source = model.tieWordEmbeddings() ? Qwen2Tensor.EMBEDDING : Qwen2Tensor.LM_HEAD;
        int real = realVocabRows(rank);
        List<Region> regions = real == 0 ? List.of() : List.of(new Region(source, h, vocabStart(rank), 0, real, h, 0, 0));
        return new ShardedTensor("lm_head", vocabPerRank(), h, regions);
    }

    /** Every tensor {@code rank} holds, in load order. */
    public List<ShardedTensor> tensorsOf(int rank) {
        checkRank(rank);
        List<ShardedTensor> all = new ArrayList<>();
        all.add(embedding());
        for (int layer = 0; layer < model.numLayers(); layer++) {
            all.add(inputNorm(layer));
            all.add(qkv(rank, layer));
            all.add(qkvBias(rank, layer));
            all.add(oProj(rank, layer));
            all.add(postAttentionNorm(layer));
            all.add(gateUp(rank, layer));
            all.add(down(rank, layer));
        }
        all.add(finalNorm());
        all.add(lmHead(rank));
        return List.copyOf(all);
    }

    private ShardedTensor vector(String name, String source) {
        int h = model.hiddenSize();
        return new ShardedTensor(name, 1, h, List.of(new Region(source, h, 0, 0, 1, h, 0, 0)));
    }

    private void checkRank(int rank) {
        if (rank < 0 || rank >= tensorParallelSize) {
            throw new IndexOutOfBoundsException("rank " + rank + " of tensor parallel size " + tensorParallelSize);
        }
    }
}
