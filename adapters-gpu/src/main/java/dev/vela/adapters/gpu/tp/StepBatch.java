package dev.vela.adapters.gpu.tp;

import dev.vela.application.port.out.SequenceSlice;
import java.util.Arrays;
import java.util.List;

/**
 * One forward step laid out per token, as the kernels read it: every slice's tokens back to back,
 * each with its position, its KV-cache slot ({@code block · blockSize + position % blockSize}),
 * the batch index of its sequence, the sequences' block tables padded to one width, and the tokens
 * whose logits are wanted. Built on the host from the engine's slices, packed once into the one
 * int array every worker uploads ({@link #packed()}).
 */
public final class StepBatch {

    private final int tokens;
    private final int sequences;
    private final int maxBlocks;
    private final int maxContext;
    private final int[] packed;
    private final int[] rowSlice;
    private final int[] rowPosition;

    private StepBatch(int tokens, int sequences, int maxBlocks, int maxContext, int[] packed, int[] rowSlice,
                      int[] rowPosition) {
        this.tokens = tokens;
        this.sequences = sequences;
        this.maxBlocks = maxBlocks;
        this.maxContext = maxContext;
        this.packed = packed;
        this.rowSlice = rowSlice;
        this.rowPosition = rowPosition;
    }

    /**
     * Lays out {@code batch}, whose block tables index a cache of {@code numBlocks} blocks of
     * {@code blockSize} positions.
     *
     * @throws IllegalArgumentException naming the sequence whose token id, block table or position
     *                                  does not fit
     */
    public static StepBatch of(List<SequenceSlice> batch, int blockSize, int numBlocks, int vocabularySize,
                               int maxPositions) {
        int tokens = 0;
        int rows = 0;
        int maxBlocks = 1;
        int maxContext = 0;
        for (SequenceSlice slice : batch) {
            slice.requireTokensBelow(vocabularySize);
            slice.requirePositionsWithin(maxPositions);
            slice.requireBlocks(blockSize, numBlocks);
            tokens += slice.tokenIds().length;
            rows += slice.logitRows();
            maxBlocks = Math.max(maxBlocks, slice.blocksNeeded(blockSize));
            maxContext = Math.max(maxContext, slice.endPosition());
        }
        int[] tokenIds = new int[tokens];
        int[] positions = new int[tokens];
        int[] slots = new int[tokens];
        int[] tokenSequence = new int[tokens];
        int[] blockTables = new int[batch.size() * maxBlocks];
        int[] logitRows = new int[rows];
        int[] rowSlice = new int[rows];
        int[] rowPosition = new int[rows];
        int t = 0;
        int row = 0;
        for (int s = 0; s < batch.size(); s++) {
            SequenceSlice slice = batch.get(s);
            int[] table = slice.blockTable();
            System.arraycopy(table, 0, blockTables, s * maxBlocks, slice.blocksNeeded(blockSize));
            for (int i = 0; i < slice.tokenIds().length; i++, t++) {
                int position = slice.startPosition() + i;
                tokenIds[t] = slice.tokenIds()[i];
                positions[t] = position;
                slots[t] = table[position / blockSize] * blockSize + position % blockSize;
                tokenSequence[t] = s;
                if (position >= slice.logitsFrom()) {
                    logitRows[row] = t;
                    rowSlice[row] = s;
                    rowPosition[row] = position;
                    row++;
                }
            }
        }
        int[] packed = concatenate(tokenIds, positions, slots, tokenSequence, blockTables, logitRows);
        return new StepBatch(tokens, batch.size(), maxBlocks, maxContext, packed, rowSlice, rowPosition);
    }

    private static int[] concatenate(int[]... parts) {
        int[] all = new int[Arrays.stream(parts).mapToInt(part -> part.length).sum()];
        int at = 0;
        for (int[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    public int tokens() {
        return tokens;
    }

    public int sequences() {
        return sequences;
    }

    /** Width of each padded block-table row. */
    public int maxBlocks() {
        return maxBlocks;
    }

    /** The longest context any token of the step attends over. */
    public int maxContext() {
        return maxContext;
    }

    /** How many rows of logits the step produces. */
    public int rows() {
        return rowSlice.length;
    }

    /** The batch index of the slice logits row {@code row} belongs to. */
    public int rowSlice(int row) {
        return rowSlice[row];
    }

    /** The position logits row {@code row} follows. */
    public int rowPosition(int row) {
        return rowPosition[row];
    }

    /**
     * Every per-token array in one, in the order of {@link StepTensors#of}: token ids, positions,
     * slots, sequence of each token, block tables, logit rows. The same array on every call, shared
     * by the workers: read it, never write it.
     */
    public int[] packed() {
        return packed;
    }

    @Override
    public String toString() {
        return "StepBatch[" + sequences + " sequences, " + tokens + " tokens, " + rows() + " rows, positions "
                + Arrays.toString(Arrays.copyOfRange(packed, tokens, 2 * tokens)) + "]";
    }
}
