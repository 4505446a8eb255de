package dev.vela.application.structured;

import java.util.Arrays;

/**
 * Where a match stands: every stack the text so far can have led to (a grammar may be ambiguous),
 * each with a byte-consuming state on top, and whether the text so far is a whole sentence. States
 * are interned per grammar by {@link ParseStates}, and each remembers where each byte leads, so
 * walking the vocabulary's trie mostly reads arrays.
 */
final class ParseState {

    final ParseStack[] stacks;
    /** The text so far is a whole sentence (its root rule has ended). */
    final boolean accepting;
    private final int hash;
    /** The state after each byte, filled as bytes are tried; races only write equal values. */
    final ParseState[] next = new ParseState[256];

    ParseState(ParseStack[] stacks, boolean accepting) {
        this.stacks = stacks;
        this.accepting = accepting;
        this.hash = Arrays.hashCode(stacks) * 2 + (accepting ? 1 : 0);
    }

    /** No stack left and not a sentence: no text can follow. */
    boolean dead() {
        return stacks.length == 0 && !accepting;
    }

    /** A whole sentence that no byte can extend. */
    boolean complete() {
        return stacks.length == 0 && accepting;
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ParseState state && state.hash == hash && state.accepting == accepting
                && Arrays.equals(state.stacks, stacks);
    }
}
