package dev.vela.application.structured;

/**
 * One stack of the pushdown automaton: the state on top and, below it, the states to return to
 * when the rules being matched end. Immutable and shared: stacks that differ only on top share
 * their tails.
 */
final class ParseStack {

    final int state;
    /** The stack to return to when the top's rule ends; null at the bottom. */
    final ParseStack parent;
    private final int hash;
    private final int depth;

    ParseStack(int state, ParseStack parent) {
        this.state = state;
        this.parent = parent;
        this.hash = 31 * (parent == null ? 0 : parent.hash) + state + 1;
        this.depth = parent == null ? 1 : parent.depth + 1;
    }

    /** How many frames the stack holds. */
    int depth() {
        return depth;
    }

    /** The top {@code frames} frames of this stack, as a stack of their own. */
    ParseStack top(int frames) {
        if (depth <= frames) {
            return this;
        }
        return frames == 1 ? new ParseStack(state, null) : new ParseStack(state, parent.top(frames - 1));
    }

    @Override
    public int hashCode() {
        return hash;
    }

    /** Compared link by link, without recursion: stacks may be as deep as the text is nested. */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof ParseStack)) {
            return false;
        }
        ParseStack a = this;
        ParseStack b = (ParseStack) other;
        while (a != b) {
            if (a == null || b == null || a.hash != b.hash || a.state != b.state) {
                return false;
            }
            a = a.parent;
            b = b.parent;
        }
        return true;
    }
}
