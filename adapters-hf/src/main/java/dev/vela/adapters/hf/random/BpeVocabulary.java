package dev.vela.adapters.hf.random;

import java.util.List;

/**
 * A byte-level BPE vocabulary: token strings (in GPT-2's byte alphabet) in id order, and the merges
 * ({@code "left right"}) in rank order. Added tokens come after it.
 */
record BpeVocabulary(List<String> tokens, List<String> merges) {

    BpeVocabulary {
        tokens = List.copyOf(tokens);
        merges = List.copyOf(merges);
    }
}
