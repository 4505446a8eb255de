package dev.vela.domain.model;

/**
 * The shape of a Qwen2-family decoder-only transformer, as its {@code config.json} gives it.
 *
 * @param vocabSize embedding rows; may exceed the tokenizer's size (padding rows)
 * @param headDim   per-head size ({@code hidden_size / num_attention_heads} unless given)
 */
public record ModelConfig(String architecture, int hiddenSize, int numLayers, int numHeads,
                          int numKvHeads, int headDim, int intermediateSize, int vocabSize,
                          int maxPositionEmbeddings, double ropeTheta, double rmsNormEps,
                          boolean tieWordEmbeddings, String dtype) {

    public ModelConfig {
        if (hiddenSize <= 0 || numLayers <= 0 || numHeads <= 0 || numKvHeads <= 0 || headDim <= 0
                || intermediateSize <= 0 || vocabSize <= 0 || maxPositionEmbeddings <= 0) {
            throw new IllegalArgumentException("model dimensions must be positive");
        }
        if (numHeads % numKvHeads != 0) {
            throw new IllegalArgumentException("num_attention_heads (" + numHeads
                    + ") must be a multiple of num_key_value_heads (" + numKvHeads + ")");
        }
    }

    /** Parameters in the weights (embedding, layers, final norm and an untied lm_head). */
    public long parameterCount() {
        long q = (long) numHeads * headDim;
        long kv = (long) numKvHeads * headDim;
        long attention = hiddenSize * q + q + 2 * (hiddenSize * kv + kv) + q * hiddenSize;
        long mlp = 3L * hiddenSize * intermediateSize;
        long norms = 2L * hiddenSize;
        long embedding = (long) vocabSize * hiddenSize;
        return numLayers * (attention + mlp + norms) + hiddenSize + embedding
                + (tieWordEmbeddings ? 0 : embedding);
    }

    /** Query heads that share one key/value head. */
    public int queriesPerKvHead() {
        return numHeads / numKvHeads;
    }
}
