package dev.vela.application.structured;

/**
 * A grammar ready to constrain generation over one vocabulary: its automaton's states and the
 * token masks learnt so far, shared by every sequence that asks for the same grammar.
 */
public final class CompiledGrammar {

    final ParseStates states;
    final TokenMasker masker;

    /** Compiles {@code grammar}, then walks the trie ahead for up to {@code walkAheadNanos} ({@link TokenMasker#walkAhead}). */
    CompiledGrammar(Grammar grammar, TokenVocabulary vocabulary, long walkAheadNanos) {
        this.states = new ParseStates(AutomatonCompiler.compile(grammar));
        this.masker = new TokenMasker(states, vocabulary);
        if (walkAheadNanos > 0) {
            masker.walkAhead(walkAheadNanos);
        }
    }

    /** A matcher at the start of a sentence, for one sequence. */
    public GrammarMatcher matcher() {
        return new GrammarMatcher(this);
    }

    /** How many states the automaton has: what the compile cost and the masks scale with. */
    public int automatonStates() {
        return states.automaton.stateCount();
    }
}
