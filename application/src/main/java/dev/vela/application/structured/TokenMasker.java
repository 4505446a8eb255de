package dev.vela.application.structured;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which tokens of the vocabulary may come next in a {@link ParseState}, as a bit set over token ids.
 *
 * <p>xgrammar's split: for each automaton state that can be on top of a stack, one walk of the
 * vocabulary trie, from that state alone, sorts every token into accepted (it is consumed inside
 * the rule, whatever called the rule), rejected, or uncertain (it runs past the end of the rule,
 * so what follows depends on the caller). That walk is done once per state and kept. A step then
 * ORs the accepted sets of its stacks and checks only the uncertain tokens against the full stacks.
 * Where a state leaves too many tokens uncertain (a rule that may end at once), the step walks the
 * trie from its full state instead, which prunes at the first byte nothing can take. Each step's
 * mask is kept too, by state, in a small LRU: a state met again costs a lookup.
 */
final class TokenMasker {

    /** Above this many uncertain tokens, one pruned walk of the trie is cheaper than checking each. */
    static final int MAX_UNCERTAIN_CHECKS = 4096;
    static final int CACHED_MASKS = 256;

    private final ParseStates states;
    private final TokenVocabulary vocabulary;
    final int words;
    private final ConcurrentHashMap<Integer, PositionMask> positions = new ConcurrentHashMap<>();
    private final Map<ParseState, long[]> masks = new LinkedHashMap<>(CACHED_MASKS, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ParseState, long[]> eldest) {
            return size() > CACHED_MASKS;
        }
    };

    /** What one automaton state alone accepts, and the tokens that depend on its callers. */
    private record PositionMask(long[] accepted, int[] uncertain) {
    }

    TokenMasker(ParseStates states, TokenVocabulary vocabulary) {
        this.states = states;
        this.vocabulary = vocabulary;
        this.words = (vocabulary.size + 63) >>> 6;
    }

    /** The tokens allowed next in {@code state} (end-of-sequence excluded); the array is shared, read only. */
    long[] allowed(ParseState state) {
        long[] known;
        synchronized (masks) {
            known = masks.get(state);
        }
        if (known != null) {
            return known;
        }
        long[] mask = compute(state);
        synchronized (masks) {
            masks.put(state, mask);
        }
        return mask;
    }

    private long[] compute(ParseState state) {
        long[] mask = new long[words];
        for (ParseStack stack : state.stacks) {
            PositionMask position = positions.computeIfAbsent(stack.state, this::position);
            if (stack.parent != null && position.uncertain.length > MAX_UNCERTAIN_CHECKS) {
                return walk(state, null);
            }
        }
        for (ParseStack stack : state.stacks) {
            PositionMask position = positions.get(stack.state);
            for (int w = 0; w < words; w++) {
                mask[w] |= position.accepted[w];
            }
            if (stack.parent == null) {
                continue;                       // past the bottom of the stack the text ends: nothing may follow
            }
            for (int token : position.uncertain) {
                if ((mask[token >>> 6] & 1L << token) == 0) {
                    byte[] bytes = vocabulary.bytes(token);
                    if (!states.advance(state, bytes, 0, bytes.length).dead()) {
                        mask[token >>> 6] |= 1L << token;
                    }
                }
            }
        }
        return mask;
    }

    /** The bytes of a token in the vocabulary's trie; null for one left out. */
    byte[] bytes(int token) {
        return vocabulary.bytes(token);
    }

    private PositionMask position(int automatonState) {
        IntList uncertain = new IntList();
        long[] accepted = walk(states.alone(automatonState), uncertain);
        return new PositionMask(accepted, uncertain.toArray());
    }

    /**
     * Walks the trie from {@code start}: the tokens it can consume whole are set in the result.
     * With {@code uncertain} given, {@code start}'s {@code accepting} means "the rule ended", and
     * the tokens that go on past such an end are collected there; without, the text ends there.
     */
    private long[] walk(ParseState start, IntList uncertain) {
        long[] accepted = new long[words];
        ParseState[] at = new ParseState[vocabulary.maxDepth + 1];
        boolean[] escaped = new boolean[vocabulary.maxDepth + 1];
        at[0] = start;
        byte[] nodeByte = vocabulary.nodeByte;
        int[] nodeDepth = vocabulary.nodeDepth;
        int[] subtreeEnd = vocabulary.subtreeEnd;
        int[] tokenStart = vocabulary.nodeTokenStart;
        int[] tokens = vocabulary.nodeTokens;
        ParseState dead = states.dead;
        int n = nodeByte.length;
        int i = 0;
        while (i < n) {
            int depth = nodeDepth[i];
            ParseState parent = at[depth - 1];
            boolean past = uncertain != null && (escaped[depth - 1] || parent.accepting);
            ParseState next = parent.stacks.length == 0 ? dead : states.advance(parent, nodeByte[i] & 0xFF);
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
