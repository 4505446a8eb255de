package dev.vela.application.structured;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Runs a {@link ByteAutomaton}: the state after a byte, found once and remembered on the state it
 * came from. A state holds only stacks with a byte-consuming state on top: after each byte, epsilon
 * edges are followed, calls push their return state, and rule ends pop it ({@link #closure}).
 * Safe for many threads: states are interned in a concurrent map, and a transition is a pure function.
 */
final class ParseStates {

    /** A grammar this ambiguous fails the sequence rather than slow every step. */
    static final int MAX_STACKS = 4096;
    /** Interned states kept before the table starts afresh (old states stay valid, only unshared). */
    static final int MAX_INTERNED = 16_384;
    private static final Comparator<ParseStack> ORDER = Comparator.comparingInt(ParseStack::hashCode)
            .thenComparingInt(stack -> stack.state);

    final ByteAutomaton automaton;
    private final ConcurrentHashMap<ParseState, ParseState> interned = new ConcurrentHashMap<>();
    final ParseState dead = new ParseState(new ParseStack[0], false);
    /** Before any byte: the root rule's start. */
    final ParseState start;

    ParseStates(ByteAutomaton automaton) {
        this.automaton = automaton;
        this.start = closed(new ParseStack(automaton.ruleStart[automaton.root], null));
    }

    /** The state after {@code b} (0..255). */
    ParseState advance(ParseState from, int b) {
        ParseState known = from.next[b];
        if (known != null) {
            return known;
        }
        Set<ParseStack> out = new LinkedHashSet<>();
        boolean[] accepting = {false};
        Set<ParseStack> seen = new HashSet<>();
        for (ParseStack stack : from.stacks) {
            int[] edges = automaton.byteEdges[stack.state];
            for (int i = 0; i < edges.length; i += 3) {
                if (b >= edges[i] && b <= edges[i + 1]) {
                    closure(new ParseStack(edges[i + 2], stack.parent), out, accepting, seen);
                }
            }
        }
        ParseState result = intern(out, accepting[0]);
        from.next[b] = result;
        return result;
    }

    /** The state after {@code bytes[from..to)}, or {@link #dead} as soon as no stack is left. */
    ParseState advance(ParseState state, byte[] bytes, int from, int to) {
        ParseState at = state;
        for (int i = from; i < to && at != dead; i++) {
            at = at.stacks.length == 0 ? dead : advance(at, bytes[i] & 0xFF);
        }
        return at;
    }

    /**
     * {@code state} with each stack cut to its top {@code depth} frames: what decides the next few
     * bytes, whatever lies deeper; {@code state} itself when no stack is deeper. A cut state's
     * {@code accepting} means only "a cut stack has ended", which says nothing about the text.
     */
    ParseState cut(ParseState state, int depth) {
        boolean deeper = false;
        for (ParseStack stack : state.stacks) {
            deeper |= stack.depth() > depth;
        }
        if (!deeper) {
            return state;
        }
        Set<ParseStack> out = new LinkedHashSet<>();
        for (ParseStack stack : state.stacks) {
            out.add(stack.top(depth));
        }
        return intern(out, false);
    }

    private ParseState closed(ParseStack stack) {
        Set<ParseStack> out = new LinkedHashSet<>();
        boolean[] accepting = {false};
        closure(stack, out, accepting, new HashSet<>());
        return intern(out, accepting[0]);
    }

    /** Adds every byte-consuming stack {@code stack} leads to without a byte; notes when the root ends. */
    private void closure(ParseStack stack, Set<ParseStack> out, boolean[] accepting, Set<ParseStack> seen) {
        ArrayDeque<ParseStack> work = new ArrayDeque<>();
        work.push(stack);
        while (!work.isEmpty()) {
            ParseStack s = work.pop();
            if (!seen.add(s)) {
                continue;
            }
            int state = s.state;
            if (automaton.byteEdges[state].length > 0) {
                out.add(s);
                if (out.size() > MAX_STACKS) {
                    throw new IllegalStateException("The grammar is too ambiguous here: more than " + MAX_STACKS
                            + " parses of the text so far are alive");
                }
            }
            for (int target : automaton.epsilons[state]) {
                work.push(new ParseStack(target, s.parent));
            }
            int[] calls = automaton.calls[state];
            for (int i = 0; i < calls.length; i += 2) {
                work.push(new ParseStack(automaton.ruleStart[calls[i]], new ParseStack(calls[i + 1], s.parent)));
            }
            if (automaton.endsRule[state]) {
                if (s.parent == null) {
                    accepting[0] = true;
                } else {
                    work.push(s.parent);
                }
            }
        }
    }

    private ParseState intern(Set<ParseStack> stacks, boolean accepting) {
        if (stacks.isEmpty() && !accepting) {
            return dead;
        }
        ParseStack[] sorted = stacks.toArray(new ParseStack[0]);
        Arrays.sort(sorted, ORDER);
        ParseState state = new ParseState(sorted, accepting);
        if (interned.size() > MAX_INTERNED) {
            interned.clear();
        }
        ParseState known = interned.putIfAbsent(state, state);
        return known != null ? known : state;
    }
}
