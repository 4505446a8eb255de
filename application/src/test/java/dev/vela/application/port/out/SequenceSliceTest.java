package dev.vela.application.port.out;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SequenceSliceTest {

    private static final int VOCABULARY = 512;
    private static final int BLOCK = 4;
    private static final int CACHE_BLOCKS = 10;

    @Test
    void theLastIdOfTheVocabularyIsAccepted() {
        SequenceSlice slice = SequenceSlice.of(7, new int[] {0, VOCABULARY - 1}, 0, new int[0], true);

        slice.requireTokensBelow(VOCABULARY);

        assertEquals(2, slice.tokenIds().length, "the slice is left as it was");
    }

    @Test
    void anIdAtTheVocabularySizeIsRefusedByName() {
        SequenceSlice slice = SequenceSlice.of(7, new int[] {1, VOCABULARY}, 0, new int[0], true);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> slice.requireTokensBelow(VOCABULARY));

        assertEquals("sequence 7 feeds token id 512, outside the model's vocabulary of 512", refused.getMessage());
    }

    @Test
    void aNegativeIdIsRefused() {
        SequenceSlice slice = SequenceSlice.of(7, new int[] {-1}, 0, new int[0], true);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> slice.requireTokensBelow(VOCABULARY));

        assertEquals("sequence 7 feeds token id -1, outside the model's vocabulary of 512", refused.getMessage());
    }

    @Test
    void aSliceMayEndAtTheLastPositionServed() {
        SequenceSlice slice = SequenceSlice.of(3, new int[] {1, 2}, 6, new int[0], true);

        slice.requirePositionsWithin(8);

        assertEquals(8, slice.endPosition());
    }

    @Test
    void aSlicePastThePositionsServedIsRefused() {
        SequenceSlice slice = SequenceSlice.of(3, new int[] {1, 2}, 7, new int[0], true);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> slice.requirePositionsWithin(8));

        assertEquals("sequence 3 would reach position 9, more than the 8 this runner serves", refused.getMessage());
    }

    @Test
    void blocksNeededRoundsUpToWholeBlocks() {
        assertEquals(1, SequenceSlice.of(1, new int[] {1}, 3, new int[0], true).blocksNeeded(BLOCK));
        assertEquals(2, SequenceSlice.of(1, new int[] {1}, 4, new int[0], true).blocksNeeded(BLOCK));
    }

    @Test
    void aTableCoveringEveryPositionIsAccepted() {
        SequenceSlice slice = SequenceSlice.of(3, new int[] {1, 2, 3, 4, 5}, 0, new int[] {9, 0}, true);

        slice.requireBlocks(BLOCK, CACHE_BLOCKS);

        assertEquals(2, slice.blocksNeeded(BLOCK));
    }

    @Test
    void aTableTooShortForTheSliceIsRefused() {
        SequenceSlice slice = SequenceSlice.of(3, new int[] {1, 2, 3, 4, 5}, 0, new int[] {0}, true);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> slice.requireBlocks(BLOCK, CACHE_BLOCKS));

        assertEquals("sequence 3 reaches position 5 but its block table holds 1 blocks of 4 positions", refused.getMessage());
    }

    @Test
    void aBlockOutsideTheCacheIsRefused() {
        SequenceSlice slice = SequenceSlice.of(3, new int[] {1, 2, 3, 4, 5}, 0, new int[] {0, CACHE_BLOCKS}, true);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> slice.requireBlocks(BLOCK, CACHE_BLOCKS));

        assertEquals("sequence 3 names KV block 10, outside the cache of 10 blocks", refused.getMessage());
    }

    @Test
    void blocksPastTheSlicesEndAreNotLookedAt() {
        SequenceSlice slice = SequenceSlice.of(3, new int[] {1}, 0, new int[] {0, -1}, true);

        slice.requireBlocks(BLOCK, CACHE_BLOCKS);

        assertEquals(1, slice.blocksNeeded(BLOCK));
    }
}
