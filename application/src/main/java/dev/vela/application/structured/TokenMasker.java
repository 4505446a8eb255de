package dev.vela.application.structured;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Set;

/**
 * Which tokens of the vocabulary may come next in a {@link ParseState}: a bit set over token ids,
 * or the list of their ids where few fit.
 *
 * <p>xgrammar's split between what a state decides alone and what depends on its context: the
 * stacks are cut to their top {@link #CONTEXT_DEPTH} frames, and one walk of the vocabulary's trie
 * from that cut state sorts every token into accepted (consumed within the frames kept, whatever
 * lies below), rejected, or uncertain (it runs past the cut, so what follows depends on the frames
 * cut away). The walk prunes a prefix's whole subtree at the first byte nothing can take, and its
 * result is kept by cut state in an LRU bounded by bytes ({@link #CACHE_BYTES}): the same few cut
 * states come back at every depth of a nested answer. A step then takes the accepted set and
 * checks only the uncertain tokens (those that close more than {@link #CONTEXT_DEPTH} nested rules
 * at once) against the full stacks.
 */
final class TokenMasker {

    /** Frames of each stack kept when masks are computed and cached. */
    static final int CONTEXT_DEPTH = 4;
    /**
     * What a grammar's cached masks may take: 512 bit sets over a 152k vocabulary, or thousands of
     * the short lists of ids most states of a JSON schema have.
     */
    static final long CACHE_BYTES = 10L << 20;

    private final ParseStates states;
    private final TokenVocabulary vocabulary;
    final int words;
    /** Least recently used first; guarded by itself, as is {@link #cachedBytes}. */
    private final LinkedHashMap<CutKey, CutMask> masks = new LinkedHashMap<>(256, 0.75f, true);
    private long cachedBytes;

    /**
     * A state whose stacks were cut (where the end of a stack means "ask the frames below"), or
     * one that is whole (where it means the end of the text): the same stacks mask differently.
     */
    private record CutKey(ParseState state, boolean cut) {
    }

    /**
     * What a cut state accepts alone, as a bit set over token ids ({@code bits}) or, when fewer
     * than one token in 64 fits (a key, a number, punctuation), as their ids ({@code bits} null);
     * and the tokens that depend on the frames cut away.
     */
    record CutMask(long[] bits, int[] ids, int[] uncertain) {

        long bytes() {
            return 8L * (bits == null ? 0 : bits.length) + 4L * (ids.length + uncertain.length) + 64;
        }
    }

    TokenMasker(ParseStates states, TokenVocabulary vocabulary) {
        this.states = states;
        this.vocabulary = vocabulary;
        this.words = (vocabulary.size + 63) >>> 6;
    }

    /**
     * Walks the trie for the states a text meets first, breadth first over bytes from the start,
     * until {@code budgetNanos} have passed or the cache is full: the first steps of every
     * answer, and every state of a small grammar, then find their masks kept.
     */
    void walkAhead(long budgetNanos) {
        try {
            walkAheadUntil(System.nanoTime() + budgetNanos);
        } catch (IllegalStateException tooAmbiguous) {
            // a sequence that gets there fails alone; until then the grammar serves
        }
    }

    private void walkAheadUntil(long deadline) {
        ArrayDeque<ParseState> queue = new ArrayDeque<>();
        Set<ParseState> seen = new HashSet<>();
        queue.add(states.start);
        seen.add(states.start);
        while (!queue.isEmpty() && !full() && System.nanoTime() < deadline) {
            ParseState state = queue.poll();
            CutKey key = key(state);
            if (known(key) == null) {
                walked(key);
            }
            for (int b = 0; b < 256 && state.stacks.length > 0; b++) {
                ParseState next = states.advance(state, b);
                if (!next.dead() && seen.add(next)) {
                    queue.add(next);
                }
            }
        }
    }

    /**
     * The tokens allowed next in {@code state} (end-of-sequence excluded): those the mask returned
     * accepts, which is shared (read only), and those added to {@code more}, the few that close
     * more nested rules than a cached mask knows of (checked against the whole stacks, without
     * copying the mask).
     */
    CutMask allowed(ParseState state, IntList more) {
        CutKey key = key(state);
        CutMask known = known(key);
        CutMask mask = known != null ? known : walked(key);
        for (int token : mask.uncertain) {
            byte[] bytes = vocabulary.bytes(token);
            if (!states.advance(state, bytes, 0, bytes.length).dead()) {
                more.add(token);
            }
        }
        return mask;
    }

    private boolean full() {
        synchronized (masks) {
            return cachedBytes >= CACHE_BYTES;
        }
    }

    private CutKey key(ParseState state) {
        ParseState cut = states.cut(state, CONTEXT_DEPTH);
        return new CutKey(cut, cut != state);
    }

    private CutMask known(CutKey key) {
        synchronized (masks) {
            return masks.get(key);
        }
    }

    /**
     * Walks the trie for {@code key} and keeps the result, forgetting the least recently used
     * masks beyond {@link #CACHE_BYTES}.
     */
    private CutMask walked(CutKey key) {
        IntList uncertain = key.cut() ? new IntList() : null;
        long[] accepted = walk(key.state(), uncertain);
        int count = 0;
        for (long word : accepted) {
            count += Long.bitCount(word);
        }
        int[] ids = new int[count < words ? count : 0];
        if (count < words) {
            for (int w = 0, k = 0; w < words; w++) {
                for (long bits = accepted[w]; bits != 0; bits &= bits - 1) {
                    ids[k++] = (w << 6) + Long.numberOfTrailingZeros(bits);
                }
            }
        }
        CutMask mask = new CutMask(count < words ? null : accepted, ids,
                uncertain == null ? new int[0] : uncertain.toArray());
        synchronized (masks) {
            CutMask replaced = masks.put(key, mask);
            cachedBytes += mask.bytes() - (replaced == null ? 0 : replaced.bytes());
            Iterator<CutMask> eldest = masks.values().iterator();
            while (cachedBytes > CACHE_BYTES && masks.size() > 1) {
                cachedBytes -= eldest.next().bytes();
                eldest.remove();
            }
        }
        return mask;
    }

    /** The bytes of a token in the vocabulary's trie; null for one left out. */
    byte[] bytes(int token) {
        return vocabulary.bytes(token);
    }

    /**
     * Walks the trie from {@code start}: the tokens it can consume whole are set in the result.
     * With {@code uncertain} given, {@code start}'s {@code accepting} means "the frames kept have
     * ended", and the tokens that go on past such an end are collected there; without, the text ends there.
     */
    private long[] walk(ParseState start, IntList uncertain) {
        long[] accepted = new long[words];
        ParseState[] at = new ParseState[vocabulary.maxDepth + 1];
        boolean[] escaped = new boolean[vocabulary.maxDepth + 1];
        at[0] = start;
        int[] node = vocabulary.node;
        int[] subtreeEnd = vocabulary.subtreeEnd;
        int[] tokenStart = vocabulary.nodeTokenStart;
        int[] tokens = vocabulary.nodeTokens;
        ParseState dead = states.dead;
        int n = node.length;
        int i = 0;
        while (i < n) {
            int depth = node[i] >>> 8;
            int b = node[i] & 0xFF;
            ParseState parent = at[depth - 1];
            boolean past = uncertain != null && (escaped[depth - 1] || parent.accepting);
            // the transition is nearly always known: read it here, past the call that would find it
            // (a state without stacks, the dead one included, learns that every byte leads to dead)
            ParseState next = parent.next[b];
            if (next == null) {
                next = states.advance(parent, b);
            }
            if (next == dead && !past) {
                i = subtreeEnd[i];
                continue;
            }
            at[depth] = next;
            escaped[depth] = past;
            for (int t = tokenStart[i]; t < tokenStart[i + 1]; t++) {
                int token = tokens[t];
                if (next != dead) {
                    accepted[token >>> 6] |= 1L << token;
                } else {
                    uncertain.add(token);
                }
            }
            i++;
        }
        return accepted;
    }
}
