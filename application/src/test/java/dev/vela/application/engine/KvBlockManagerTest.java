package dev.vela.application.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.domain.sampling.SamplingParams;
import org.junit.jupiter.api.Test;

class KvBlockManagerTest {

    private static final int BLOCK = 4;
    private long ids;

    private Sequence sequence(String prompt) {
        SamplingParams params = SamplingParams.builder().temperature(0.0).maxTokens(8).build();
        EngineRequest request = new EngineRequest(null, java.util.List.of(), 1, false);
        return new Sequence(++ids, 0, request, ByteTokenizer.ids(prompt), params, new int[0], new ByteTokenizer(), false);
    }

    /** Admits a sequence, gives it blocks for its whole prompt and marks it computed. */
    private static int run(KvBlockManager blocks, Sequence s) {
        int cached = blocks.admit(s.id, s);
        blocks.grow(s.id, s.totalLength());
        blocks.computed(s.id, s, s.totalLength());
        return cached;
    }

    @Test
    void aSequenceGetsOneBlockPerBlockSizePositions() {
        KvBlockManager blocks = new KvBlockManager(8, BLOCK, true);
        Sequence s = sequence("abcdefghij");
        run(blocks, s);
        assertEquals(3, blocks.table(s.id).length);
        assertEquals(5, blocks.freeBlocks());
        assertEquals(3 / 8.0, blocks.usage());
    }

    @Test
    void freeingReturnsTheBlocks() {
        KvBlockManager blocks = new KvBlockManager(8, BLOCK, true);
        Sequence s = sequence("abcdefghij");
        run(blocks, s);
        blocks.free(s.id);
        assertEquals(8, blocks.freeBlocks());
        assertEquals(0.0, blocks.usage());
    }

    @Test
    void aSharedPrefixReusesItsFullBlocks() {
        KvBlockManager blocks = new KvBlockManager(8, BLOCK, true);
        Sequence first = sequence("abcdefghij");
        assertEquals(0, run(blocks, first), "an empty cache has nothing to reuse");
        Sequence second = sequence("abcdefghXY");
        assertEquals(8, run(blocks, second), "two full blocks of 'abcdefgh' are reused");
        int[] a = blocks.table(first.id);
        int[] b = blocks.table(second.id);
        assertEquals(a[0], b[0]);
        assertEquals(a[1], b[1]);
        assertFalse(a[2] == b[2], "the partial last block is the sequence's own");
    }

    @Test
    void aPrefixComputedTwiceAtOnceStaysFindableBeyondWhereTheTwoMet() {
        KvBlockManager blocks = new KvBlockManager(16, BLOCK, true);
        Sequence shorter = sequence("abcdefghij");
        Sequence longer = sequence("abcdefghijklmnopq");
        blocks.admit(shorter.id, shorter);
        blocks.admit(longer.id, longer);
        blocks.grow(shorter.id, shorter.totalLength());
        blocks.grow(longer.id, longer.totalLength());
        blocks.computed(shorter.id, shorter, shorter.totalLength());
        blocks.computed(longer.id, longer, longer.totalLength());
        assertEquals(16, run(blocks, sequence("abcdefghijklmnopqr")),
                "'abcdefgh' cached by the first, 'ijklmnop' by the second: four blocks in one chain");
    }

    @Test
    void theBlockOfThePromptsLastTokenIsNeverTakenFromTheCache() {
        KvBlockManager blocks = new KvBlockManager(8, BLOCK, true);
        run(blocks, sequence("abcdefgh"));
        Sequence same = sequence("abcdefgh");
        assertEquals(4, run(blocks, same), "the second block holds the last token: its logits must be computed");
    }

    @Test
    void aFreedBlockStaysFindableUntilItIsReused() {
        KvBlockManager blocks = new KvBlockManager(8, BLOCK, true);
        Sequence first = sequence("abcdefghij");
        run(blocks, first);
        blocks.free(first.id);
        assertEquals(8, run(blocks, sequence("abcdefghZZ")));
    }

    @Test
    void reusingAFreedBlockForOtherTokensForgetsItsPrefix() {
        KvBlockManager blocks = new KvBlockManager(3, BLOCK, true);
        Sequence first = sequence("abcdefghij");
        run(blocks, first);
        blocks.free(first.id);
        Sequence other = sequence("zzzzyyyyxx");
        assertEquals(0, run(blocks, other));
        blocks.free(other.id);
        assertEquals(0, run(blocks, sequence("abcdefghij")), "its blocks were overwritten");
    }

    @Test
    void withoutPrefixCachingNothingIsReused() {
        KvBlockManager blocks = new KvBlockManager(8, BLOCK, false);
        run(blocks, sequence("abcdefghij"));
        assertEquals(0, run(blocks, sequence("abcdefghij")));
    }

    @Test
    void sharedBlocksAreFreedOnlyWhenTheLastHolderEnds() {
        KvBlockManager blocks = new KvBlockManager(8, BLOCK, true);
        Sequence first = sequence("abcdefghij");
        Sequence second = sequence("abcdefghkl");
        run(blocks, first);
        run(blocks, second);
        assertEquals(4, blocks.freeBlocks(), "2 shared + 1 + 1 own");
        int[] before = blocks.table(second.id);
        blocks.free(first.id);
        assertEquals(5, blocks.freeBlocks());
        assertTrue(blocks.canHold(second.id, 12));
        assertArrayEquals(before, blocks.table(second.id), "the survivor keeps every block, shared ones included");
    }
}
