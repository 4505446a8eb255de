package dev.vela.application.port.out;

/**
 * The part of one sequence a forward pass computes: the token ids not yet in the KV cache, the
 * position of the first of them, the sequence's KV-cache blocks, and which positions need logits.
 *
 * @param sequenceId    stable for the life of the sequence
 * @param tokenIds      ids to feed, in order; at least one
 * @param startPosition position of {@code tokenIds[0]}; positions before it are in the KV cache
 * @param blockTable    the KV-cache blocks holding positions {@code [0, startPosition + tokenIds.length)},
 *                      for runners with a paged cache (empty for runners without)
 * @param logitsFrom    the first position whose logits the caller needs; positions from it to the
 *                      slice's end get a row each. {@link #endPosition()} means none (a prompt chunk
 *                      that is not the last), {@code endPosition() - 1} the usual last row only,
 *                      anything lower also rows for the prompt's own tokens (prompt logprobs).
 */
public record SequenceSlice(long sequenceId, int[] tokenIds, int startPosition, int[] blockTable, int logitsFrom) {

    public SequenceSlice {
        if (tokenIds.length == 0) {
            throw new IllegalArgumentException("a slice feeds at least one token");
        }
        if (startPosition < 0) {
            throw new IllegalArgumentException("startPosition cannot be negative");
        }
        if (logitsFrom < startPosition || logitsFrom > startPosition + tokenIds.length) {
            throw new IllegalArgumentException("logitsFrom must lie within the slice's positions");
        }
    }

    /** A slice that needs the logits after its last token only (or none). */
    public static SequenceSlice of(long sequenceId, int[] tokenIds, int startPosition, int[] blockTable, boolean lastLogits) {
        int end = startPosition + tokenIds.length;
        return new SequenceSlice(sequenceId, tokenIds, startPosition, blockTable, lastLogits ? end - 1 : end);
    }

    /** Position after the last token of this slice. */
    public int endPosition() {
        return startPosition + tokenIds.length;
    }

    /** How many rows of logits this slice produces. */
    public int logitRows() {
        return endPosition() - logitsFrom;
    }

    /** How many KV-cache blocks of {@code blockSize} positions hold this slice's positions, from 0 on. */
    public int blocksNeeded(int blockSize) {
        return (endPosition() + blockSize - 1) / blockSize;
    }

    /**
     * Refuses a token id outside a vocabulary of {@code vocabularySize}: a runner would read
     * another tensor's memory, or fail deep inside a kernel.
     *
     * @throws IllegalArgumentException naming the sequence and the first such id
     */
    public void requireTokensBelow(int vocabularySize) {
        for (int id : tokenIds) {
            if (id < 0 || id >= vocabularySize) {
                throw new IllegalArgumentException("sequence " + sequenceId + " feeds token id " + id
                        + ", outside the model's vocabulary of " + vocabularySize);
            }
        }
    }

    /**
     * Refuses a slice that reaches past the {@code maxPositions} a runner serves.
     *
     * @throws IllegalArgumentException naming the sequence and the position it would reach
     */
    public void requirePositionsWithin(int maxPositions) {
        if (endPosition() > maxPositions) {
            throw new IllegalArgumentException("sequence " + sequenceId + " would reach position "
                    + endPosition() + ", more than the " + maxPositions + " this runner serves");
        }
    }

    /**
     * Refuses a block table that does not cover the slice's positions in blocks of
     * {@code blockSize}, or that names a block outside a cache of {@code numBlocks}.
     *
     * @throws IllegalArgumentException naming the sequence and what its table lacks
     */
    public void requireBlocks(int blockSize, int numBlocks) {
        int needed = blocksNeeded(blockSize);
        if (blockTable.length < needed) {
            throw new IllegalArgumentException("sequence " + sequenceId + " reaches position " + endPosition()
                    + " but its block table holds " + blockTable.length + " blocks of " + blockSize + " positions");
        }
        for (int i = 0; i < needed; i++) {
            if (blockTable[i] < 0 || blockTable[i] >= numBlocks) {
                throw new IllegalArgumentException("sequence " + sequenceId + " names KV block " + blockTable[i]
                        + ", outside the cache of " + numBlocks + " blocks");
            }
        }
    }
}
