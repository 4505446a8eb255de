package dev.vela.application.structured;

import dev.vela.application.port.out.Tokenizer;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The vocabulary as a trie over the tokens' bytes, flattened in depth-first order so that a walk
 * is a loop over arrays and a rejected prefix skips its whole subtree in one jump. Built once per
 * tokenizer. Special tokens and tokens without bytes are left out: no grammar ever produces them
 * (end-of-sequence is allowed separately, where the grammar may end).
 */
public final class TokenVocabulary {

    /** How many ids a row of logits has (the model's vocabulary may be larger than the tokenizer's). */
    final int size;
    /** Per node: its depth (1 for a first byte) above the low 8 bits, and in them the byte that leads to it. */
    final int[] node;
    /** Per node: the index after its subtree. */
    final int[] subtreeEnd;
    /** Per node: where its tokens start in {@link #nodeTokens}; {@code nodeTokenStart[n + 1]} ends them. */
    final int[] nodeTokenStart;
    final int[] nodeTokens;
    final int maxDepth;
    private final byte[][] tokenBytes;

    private TokenVocabulary(int size, int[] node, int[] subtreeEnd, int[] nodeTokenStart,
                            int[] nodeTokens, int maxDepth, byte[][] tokenBytes) {
        this.size = size;
        this.node = node;
        this.subtreeEnd = subtreeEnd;
        this.nodeTokenStart = nodeTokenStart;
        this.nodeTokens = nodeTokens;
        this.maxDepth = maxDepth;
        this.tokenBytes = tokenBytes;
    }

    /** The trie of every ordinary token of {@code tokenizer}, for rows of {@code vocabularySize} logits. */
    public static TokenVocabulary of(Tokenizer tokenizer, int vocabularySize) {
        byte[][] bytes = new byte[vocabularySize][];
        int known = Math.min(vocabularySize, tokenizer.size());
        int count = 0;
        for (int id = 0; id < known; id++) {
            if (!tokenizer.isSpecial(id)) {
                byte[] b = tokenizer.tokenBytes(id);
                if (b != null && b.length > 0) {
                    bytes[id] = b;
                    count++;
                }
            }
        }
        Integer[] order = new Integer[count];
        for (int id = 0, k = 0; id < vocabularySize; id++) {
            if (bytes[id] != null) {
                order[k++] = id;
            }
        }
        Arrays.sort(order, Comparator.comparing((Integer id) -> bytes[id], Arrays::compareUnsigned)
                .thenComparingInt(id -> id));
        int capacity = 0;
        for (byte[] b : bytes) {
            capacity += b == null ? 0 : b.length;
        }
        // depth and byte in one int: a walk reads one array per node
        int[] node = new int[capacity];
        int[] subtreeEnd = new int[capacity];
        int[] nodeTokenStart = new int[capacity + 1];
        int[] nodeTokens = new int[count];
        int[] path = new int[1];
        int depth = 0;
        int nodes = 0;
        int tokens = 0;
        int maxDepth = 0;
        byte[] previous = new byte[0];
        for (int id : order) {
            byte[] b = bytes[id];
            int common = 0;
            while (common < Math.min(b.length, previous.length) && b[common] == previous[common]) {
                common++;
            }
            while (depth > common) {
                subtreeEnd[path[--depth]] = nodes;
            }
            if (path.length < b.length) {
                path = Arrays.copyOf(path, b.length);
            }
            for (int d = common; d < b.length; d++) {
                node[nodes] = (d + 1) << 8 | b[d] & 0xFF;
                nodeTokenStart[nodes] = tokens;
                path[depth++] = nodes++;
            }
            // in sorted order a token ends at the newest node: equal byte strings follow each other
            nodeTokens[tokens++] = id;
            maxDepth = Math.max(maxDepth, b.length);
            previous = b;
        }
        while (depth > 0) {
            subtreeEnd[path[--depth]] = nodes;
        }
        nodeTokenStart[nodes] = tokens;
        return new TokenVocabulary(vocabularySize, Arrays.copyOf(node, nodes), Arrays.copyOf(subtreeEnd, nodes), Arrays.copyOf(nodeTokenStart, nodes + 1), nodeTokens, maxDepth, bytes);
    }

    /** How many tokens the trie holds (the vocabulary less special and empty tokens). */
    public int tokenCount() {
        return nodeTokens.length;
    }

    /** The bytes of a token in the trie; null for one left out. */
    byte[] bytes(int token) {
        return token < tokenBytes.length ? tokenBytes[token] : null;
    }
}
