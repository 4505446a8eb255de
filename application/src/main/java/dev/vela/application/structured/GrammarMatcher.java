package dev.vela.application.structured;

import java.util.Arrays;

/**
 * One sequence's place in its grammar: which tokens may come next ({@link #restrict}) and where
 * each sampled token leads ({@link #accept}). Not thread-safe: one sequence uses it, one thread
 * at a time (masks on a runner thread, tokens accepted on the engine thread, never at once).
 */
public final class GrammarMatcher {

    private final CompiledGrammar grammar;
    private ParseState state;
    /** The allowed logits of one 64-token word while the word is wiped. */
    private final float[] saved = new float[64];
    /** Allowed tokens the cached mask leaves out (they close rules below its frames). */
    private final IntList more = new IntList();
    /** The logits of the tokens a mask lists, then of {@link #more}, kept aside while the row is wiped. */
    private float[] keptLogits = new float[16];
    /** The end ids' logits, kept aside while the row is wiped. */
    private float[] ends = new float[2];

    GrammarMatcher(CompiledGrammar grammar) {
        this.grammar = grammar;
        this.state = grammar.states.start;
    }

    /** The text so far is a whole sentence: end-of-sequence may come now. */
    public boolean canEnd() {
        return state.accepting;
    }

    /** The text so far is a whole sentence that nothing can extend: the answer is done. */
    public boolean complete() {
        return state.complete();
    }

    /**
     * Sets every logit the grammar forbids next to -inf: every token whose bytes cannot continue
     * the text, and the {@code endIds} unless the text may end here.
     *
     * @throws IllegalStateException when no token at all may come next (a grammar that cannot be
     *                               continued with this vocabulary's tokens)
     */
    public void restrict(float[] logits, int[] endIds) {
        more.size = 0;
        TokenMasker.CutMask mask = grammar.masker.allowed(state, more);
        int[] ids = mask.ids();
        int n = logits.length;
        int keep = ids.length + more.size;
        if (keptLogits.length < keep) {
            keptLogits = new float[keep];
        }
        for (int i = 0; i < ids.length; i++) {
            keptLogits[i] = logits[ids[i]];
        }
        for (int i = 0; i < more.size; i++) {
            keptLogits[ids.length + i] = logits[more.values[i]];
        }
        if (ends.length < endIds.length) {
            ends = new float[endIds.length];
        }
        for (int i = 0; i < endIds.length; i++) {
            ends[i] = endIds[i] < n ? logits[endIds[i]] : Float.NEGATIVE_INFINITY;
        }
        boolean any = state.accepting && endIds.length > 0 || keep > 0;
        if (mask.bits() == null) {
            Arrays.fill(logits, Float.NEGATIVE_INFINITY);
        } else {
            any |= wipe(logits, mask.bits());
        }
        if (!any) {
            throw new IllegalStateException("The structured output cannot be continued: no token of the vocabulary "
                    + "fits the grammar after the text generated so far");
        }
        for (int i = 0; i < ids.length; i++) {
            logits[ids[i]] = keptLogits[i];
        }
        for (int i = 0; i < more.size; i++) {
            logits[more.values[i]] = keptLogits[ids.length + i];
        }
        for (int i = 0; i < endIds.length; i++) {
            if (endIds[i] < n) {
                logits[endIds[i]] = state.accepting ? ends[i] : Float.NEGATIVE_INFINITY;
            }
        }
    }

    /** Sets the logits {@code allowed} leaves out to -inf, 64-token word by word; true when it allows any. */
    private boolean wipe(float[] logits, long[] allowed) {
        boolean any = false;
        int n = logits.length;
        for (int w = 0; w < allowed.length && w << 6 < n; w++) {
            long bits = allowed[w];
            if (bits == -1L) {
                any = true;
                continue;
            }
            int base = w << 6;
            int end = Math.min(base + 64, n);
            if (Long.bitCount(bits) < 32) {
                // few allowed here: keep them aside, wipe the word, put them back
                long kept = bits;
                for (int k = 0; kept != 0; k++, kept &= kept - 1) {
                    saved[k] = logits[base + Long.numberOfTrailingZeros(kept)];
                }
                Arrays.fill(logits, base, end, Float.NEGATIVE_INFINITY);
                kept = bits;
                for (int k = 0; kept != 0; k++, kept &= kept - 1) {
                    logits[base + Long.numberOfTrailingZeros(kept)] = saved[k];
                }
                any |= bits != 0;
            } else {
                any = true;
                for (long forbidden = ~bits; forbidden != 0; forbidden &= forbidden - 1) {
                    int j = base + Long.numberOfTrailingZeros(forbidden);
                    if (j < end) {
                        logits[j] = Float.NEGATIVE_INFINITY;
                    }
                }
            }
        }
        return any;
    }

    /**
     * Moves past a sampled token. A token without bytes (end-of-sequence, a special token) moves
     * nothing.
     *
     * @throws IllegalStateException when the token's bytes do not fit the grammar here, which
     *                               {@link #restrict} rules out
     */
    public void accept(int token) {
        byte[] bytes = grammar.masker.bytes(token);
        if (bytes == null) {
            return;
        }
        ParseState next = grammar.states.advance(state, bytes, 0, bytes.length);
        if (next.dead()) {
            throw new IllegalStateException("token " + token + " does not fit the grammar here");
        }
        state = next;
    }
}
