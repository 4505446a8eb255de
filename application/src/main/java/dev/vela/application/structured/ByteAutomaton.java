package dev.vela.application.structured;

/**
 * A grammar as a byte-level pushdown automaton: one fragment of states per called rule, edges that
 * consume one byte in a range, epsilon edges, and call edges that enter a rule and name the state
 * to return to when it ends. Rules that are not recursive are inlined where they are used, so a
 * call is left only where the grammar nests (JSON values in arrays, say). Every state can reach
 * the end of its rule: the compiler drops edges into states that could never finish.
 */
final class ByteAutomaton {

    /** Per state: {@code lo, hi, target} triples of its byte edges. */
    final int[][] byteEdges;
    /** Per state: the targets of its epsilon edges. */
    final int[][] epsilons;
    /** Per state: {@code rule, returnState} pairs of its call edges. */
    final int[][] calls;
    /** Per called rule: its first state. */
    final int[] ruleStart;
    /** Per state: whether it ends its rule (reaching it returns to the caller). */
    final boolean[] endsRule;
    /** The rule a sentence starts from. */
    final int root;

    ByteAutomaton(int[][] byteEdges, int[][] epsilons, int[][] calls, int[] ruleStart, boolean[] endsRule, int root) {
        this.byteEdges = byteEdges;
        this.epsilons = epsilons;
        this.calls = calls;
        this.ruleStart = ruleStart;
        this.endsRule = endsRule;
        this.root = root;
    }

    int stateCount() {
        return byteEdges.length;
    }
}
