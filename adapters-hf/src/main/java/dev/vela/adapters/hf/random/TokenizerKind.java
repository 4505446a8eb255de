package dev.vela.adapters.hf.random;

/** Which tokenizer {@link RandomModelWriter} puts beside the weights. */
public enum TokenizerKind {
    /**
     * A byte-level BPE learned from a small built-in corpus, sized to fit the model's vocab_size,
     * with R1-Distill's added tokens after it: same format as the real one, but not Qwen's ids.
     */
    LEARNED,
    /**
     * DeepSeek-R1-Distill-Qwen's real tokenizer ({@link R1DistillVocabulary}): the real model's ids,
     * 151,665 of them, so vocab_size must be at least that.
     */
    R1_DISTILL_QWEN
}
