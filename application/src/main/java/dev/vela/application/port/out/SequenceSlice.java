package dev.vela.application.port.out;

/**
 * The part of one sequence a forward pass computes: the token ids not yet in the KV cache, the
 * position of the first of them, and the sequence's KV-cache blocks.
 *
 * @param sequenceId     stable for the life of the sequence
 * @param tokenIds       ids to feed, in order; at least one
 * @param startPosition  position of {@code tokenIds[0]}; positions before it are in the KV cache
 * @param blockTable     the KV-cache blocks holding positions {@code [0, startPosition + tokenIds.length)},
 *                       for runners with a paged cache (empty for runners without)
 * @param computeLogits  whether the caller needs the logits after the last token (false for a
 *                       prompt chunk that is not the last)
 */
public record SequenceSlice(long sequenceId, int[] tokenIds, int startPosition, int[] blockTable,
                            boolean computeLogits) {

    public SequenceSlice {
        if (tokenIds.length == 0) {
            throw new IllegalArgumentException("a slice feeds at least one token");
        }
        if (startPosition < 0) {
            throw new IllegalArgumentException("startPosition cannot be negative");
        }
    }

    /** Position after the last token of this slice. */
    public int endPosition() {
        return startPosition + tokenIds.length;
    }
}
