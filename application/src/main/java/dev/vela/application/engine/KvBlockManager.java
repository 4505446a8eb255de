package dev.vela.application.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Owns the KV cache's blocks: which sequence holds which, which are free, and which full blocks
 * hold a known run of tokens so that a later prompt with the same prefix can reuse them
 * (automatic prefix caching, as vLLM's v1 KV-cache manager does).
 *
 * <p>A block's identity in the prefix cache is the exact token ids of every position up to its end
 * (the chain of its own tokens and its parent's identity), so a hit can never join a block to the
 * wrong prefix. Freed blocks keep their contents and stay findable until they are reused; the
 * least recently freed is reused first. Engine thread only.
 */
final class KvBlockManager {

    /** Block-level state. */
    private static final class Block {
        final int id;
        int refs;
        BlockKey key;

        Block(int id) {
            this.id = id;
        }
    }

    /** The exact prefix a full block ends: its parent's key and its own tokens. */
    private record BlockKey(BlockKey parent, int[] tokens, int hash) {

        static BlockKey of(BlockKey parent, int[] tokens) {
            int hash = 31 * (parent == null ? 1 : parent.hash) + Arrays.hashCode(tokens);
            return new BlockKey(parent, tokens, hash);
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) {
                return true;
            }
            if (!(o instanceof BlockKey other) || other.hash != hash || !Arrays.equals(tokens, other.tokens)) {
                return false;
            }
            // parents are usually the very same cached key, so identity settles it without walking the chain
            return parent == other.parent || (parent != null && parent.equals(other.parent));
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private final int blockSize;
    private final int numBlocks;
    private final boolean prefixCaching;
    /** Blocks that were used and freed, least recently freed first. */
    private final LinkedHashSet<Block> free = new LinkedHashSet<>();
    /** Blocks never used yet are created on first use (a runner may report a huge capacity). */
    private int created;
    private final Map<BlockKey, Block> cached = new HashMap<>();
    private final Map<Long, List<Block>> tables = new HashMap<>();
    /** Per sequence: how far its full blocks are known to the cache. */
    private final Map<Long, Registered> registered = new HashMap<>();

    /** A sequence's first {@code blocks} full blocks are in the cache; {@code last} is the key of the last. */
    private record Registered(BlockKey last, int blocks) {
    }

    KvBlockManager(int numBlocks, int blockSize, boolean prefixCaching) {
        this.blockSize = blockSize;
        this.numBlocks = numBlocks;
        this.prefixCaching = prefixCaching;
    }

    int blockSize() {
        return blockSize;
    }

    int totalBlocks() {
        return numBlocks;
    }

    int freeBlocks() {
        return numBlocks - created + free.size();
    }

    /** Share of blocks held by sequences, 0 to 1. */
    double usage() {
        return (numBlocks - freeBlocks()) / (double) numBlocks;
    }

    static int blocksFor(int tokens, int blockSize) {
        return (tokens + blockSize - 1) / blockSize;
    }

    /** How many more blocks {@code sequenceId} needs to hold {@code tokens} positions. */
    int blocksNeeded(long sequenceId, int tokens) {
        List<Block> table = tables.get(sequenceId);
        int held = table == null ? 0 : table.size();
        return Math.max(0, blocksFor(tokens, blockSize) - held);
    }

    boolean canHold(long sequenceId, int tokens) {
        return blocksNeeded(sequenceId, tokens) <= freeBlocks();
    }

    /**
     * Starts a sequence: takes every full block of its prefix that the cache holds (never the
     * block of its last token, whose logits must be computed) and returns how many positions they
     * cover.
     */
    int admit(long sequenceId, Sequence sequence) {
        List<Block> table = new ArrayList<>();
        tables.put(sequenceId, table);
        if (!prefixCaching) {
            return 0;
        }
        int cacheable = (sequence.totalLength() - 1) / blockSize;
        BlockKey key = null;
        int hits = 0;
        for (int b = 0; b < cacheable; b++) {
            BlockKey next = BlockKey.of(key, sequence.tokens(b * blockSize, (b + 1) * blockSize));
            Block block = cached.get(next);
            if (block == null) {
                break;
            }
            if (block.refs++ == 0) {
                free.remove(block);
            }
            table.add(block);
            key = block.key;
            hits++;
        }
        if (key != null) {
            registered.put(sequenceId, new Registered(key, hits));
        }
        return hits * blockSize;
    }

    /** Gives the sequence blocks for {@code tokens} positions; the caller checked {@link #canHold}. */
    void grow(long sequenceId, int tokens) {
        List<Block> table = tables.get(sequenceId);
        int needed = blocksFor(tokens, blockSize) - table.size();
        for (int i = 0; i < needed; i++) {
            Block block = created < numBlocks ? new Block(created++) : free.removeFirst();
            if (block.key != null) {
                cached.remove(block.key);
                block.key = null;
            }
            block.refs = 1;
            table.add(block);
        }
    }

    /**
     * Records that the first {@code computed} positions of the sequence are in the cache, so its
     * full blocks can serve later prompts.
     */
    void computed(long sequenceId, Sequence sequence, int computed) {
        if (!prefixCaching) {
            return;
        }
        List<Block> table = tables.get(sequenceId);
        int full = Math.min(computed / blockSize, table.size());
        Registered done = registered.get(sequenceId);
        int b = done == null ? 0 : done.blocks();
        if (b >= full) {
            return;
        }
        BlockKey key = done == null ? null : done.last();
        for (; b < full; b++) {
            BlockKey next = BlockKey.of(key, sequence.tokens(b * blockSize, (b + 1) * blockSize));
            Block block = table.get(b);
            Block holder = cached.get(next);
            if (holder == null && block.key == null) {
                block.key = next;
                cached.put(next, block);
                holder = block;
            }
            // another sequence may have cached the same prefix first: chain onto its key, so that the
            // next keys' parents are the cached ones and equals settles by identity
            key = holder == null ? next : holder.key;
        }
        registered.put(sequenceId, new Registered(key, full));
    }

    /** The sequence's block ids, in position order. */
    int[] table(long sequenceId) {
        List<Block> table = tables.get(sequenceId);
        int[] ids = new int[table.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = table.get(i).id;
        }
        return ids;
    }

    /** Returns the sequence's blocks; full cached ones stay findable until reused. */
    void free(long sequenceId) {
        List<Block> table = tables.remove(sequenceId);
        registered.remove(sequenceId);
        if (table == null) {
            return;
        }
        for (int i = table.size() - 1; i >= 0; i--) {   // the tail first: it is the least likely to be shared
            Block block = table.get(i);
            if (--block.refs == 0) {
                free.add(block);
            }
        }
    }

    boolean holds(long sequenceId) {
        return tables.containsKey(sequenceId);
    }
}
