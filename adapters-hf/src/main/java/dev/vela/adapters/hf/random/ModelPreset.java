package dev.vela.adapters.hf.random;

import dev.vela.domain.model.ModelConfig;

/**
 * Shapes of random-weight models Vela writes for itself: a tiny one for tests, the demo model the
 * server serves when no model is given, and the real dimensions of models we benchmark against.
 */
public enum ModelPreset {
    /** Two layers, 4 query and 2 KV heads: fast enough for every test. */
    TINY("vela-tiny", 64, 2, 4, 2, 128, 512, 2048, 10_000.0, 1e-6, false, TokenizerKind.LEARNED),
    /** {@link #TINY} with the lm_head tied to the embedding, as Qwen2.5-0.5B has it. */
    TINY_TIED("vela-tiny-tied", 64, 2, 4, 2, 128, 512, 2048, 1_000_000.0, 1e-6, true, TokenizerKind.LEARNED),
    /**
     * {@link #TINY}'s layers with DeepSeek-R1-Distill-Qwen-1.5B's vocabulary: its real tokenizer and
     * 151,936 embedding rows, so prompts tokenize to the real model's ids.
     */
    R1_DISTILL_VOCAB_TINY("vela-r1-distill-vocab-tiny", 64, 2, 4, 2, 128, 151_936, 2048, 10_000.0, 1e-6, false,
            TokenizerKind.R1_DISTILL_QWEN),
    /** Qwen2.5-0.5B's attention geometry (14 heads, 2 KV heads, head size 64) in a few small layers. */
    QWEN2_5_GEOMETRY("vela-qwen2.5-geometry", 896, 2, 14, 2, 1024, 1024, 4096, 1_000_000.0, 1e-6, true,
            TokenizerKind.LEARNED),
    /** Served when no model is configured: small, random, clearly not a real model. */
    DEMO("vela-demo-random", 256, 4, 8, 2, 768, 1024, 4096, 10_000.0, 1e-6, false, TokenizerKind.LEARNED),
    /** The real dimensions of Qwen2.5-0.5B-Instruct (494 M parameters), for benchmarks; R1-Distill's real tokenizer. */
    QWEN2_5_0_5B("qwen2.5-0.5b-random", 896, 24, 14, 2, 4864, 151_936, 32_768, 1_000_000.0, 1e-6, true,
            TokenizerKind.R1_DISTILL_QWEN),
    /** The real dimensions and tokenizer of DeepSeek-R1-Distill-Qwen-1.5B, for benchmarks. */
    R1_DISTILL_QWEN_1_5B("r1-distill-qwen-1.5b-random", 1536, 28, 12, 2, 8960, 151_936, 131_072, 10_000.0, 1e-6, false,
            TokenizerKind.R1_DISTILL_QWEN),
    /**
     * The real dimensions and tokenizer of DeepSeek-R1-Distill-Qwen-32B (65 GB in bf16): for the run by
     * hand that writes it as a Q4_0 GGUF ({@link RandomModelWriter#writeGguf}) and serves it.
     */
    R1_DISTILL_QWEN_32B("r1-distill-qwen-32b-random", 5120, 64, 40, 8, 27_648, 152_064, 131_072, 1_000_000.0, 1e-5, false,
            TokenizerKind.R1_DISTILL_QWEN);

    private final String modelName;
    private final int hidden;
    private final int layers;
    private final int heads;
    private final int kvHeads;
    private final int intermediate;
    private final int vocab;
    private final int maxPositions;
    private final double ropeTheta;
    private final double rmsNormEps;
    private final boolean tied;
    private final TokenizerKind tokenizer;

    ModelPreset(String modelName, int hidden, int layers, int heads, int kvHeads, int intermediate,
                int vocab, int maxPositions, double ropeTheta, double rmsNormEps, boolean tied,
                TokenizerKind tokenizer) {
        this.modelName = modelName;
        this.hidden = hidden;
        this.layers = layers;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.intermediate = intermediate;
        this.vocab = vocab;
        this.maxPositions = maxPositions;
        this.ropeTheta = ropeTheta;
        this.rmsNormEps = rmsNormEps;
        this.tied = tied;
        this.tokenizer = tokenizer;
    }

    /** A directory-friendly name for the written model. */
    public String modelName() {
        return modelName;
    }

    /** The tokenizer written with the model. */
    public TokenizerKind tokenizer() {
        return tokenizer;
    }

    /** The preset's shape with weights stored as {@code type}. */
    public ModelConfig config(WeightType type) {
        return new ModelConfig("Qwen2ForCausalLM", hidden, layers, heads, kvHeads, hidden / heads,
                intermediate, vocab, maxPositions, ropeTheta, rmsNormEps, tied, type.torchName());
    }
}
