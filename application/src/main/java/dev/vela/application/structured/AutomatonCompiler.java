package dev.vela.application.structured;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles a {@link Grammar} into a {@link ByteAutomaton}: code point classes become UTF-8 byte
 * ranges, bounded repetitions are unrolled, rules that do not recurse are inlined. A hostile grammar
 * is refused with a {@link GrammarException} before it costs much: the automaton is capped at
 * {@link #MAX_STATES} states (checked while it grows, so {@code {0,1000000}} stops early), left
 * recursion (which a top-down matcher would follow forever) and rules that never end are named.
 */
final class AutomatonCompiler {

    static final int MAX_STATES = 100_000;
    static final int MAX_RULES = 10_000;

    private final Grammar grammar;
    private final Set<String> recursive;
    private final Map<String, Integer> ruleIndex = new HashMap<>();
    private final List<String> ruleNames = new ArrayList<>();
    private final List<IntList> bytes = new ArrayList<>();
    private final List<IntList> epsilons = new ArrayList<>();
    private final List<IntList> calls = new ArrayList<>();
    private final IntList ruleEnds = new IntList();

    private AutomatonCompiler(Grammar grammar) {
        this.grammar = grammar;
        if (grammar.rules().size() > MAX_RULES) {
            throw new GrammarException("the grammar has more than " + MAX_RULES + " rules");
        }
        this.recursive = recursiveRules(grammar);
    }

    static ByteAutomaton compile(Grammar grammar) {
        return new AutomatonCompiler(grammar).build();
    }

    private ByteAutomaton build() {
        int root = callable(grammar.root());
        List<Integer> starts = new ArrayList<>();
        for (int r = 0; r < ruleNames.size(); r++) {    // callable() adds rules as fragments call them
            int[] fragment = fragment(grammar.rule(ruleNames.get(r)));
            starts.add(fragment[0]);
            ruleEnds.add(fragment[1]);
        }
        int n = bytes.size();
        int[] ruleStart = starts.stream().mapToInt(Integer::intValue).toArray();
        boolean[] endsRule = new boolean[n];
        for (int i = 0; i < ruleEnds.size; i++) {
            endsRule[ruleEnds.values[i]] = true;
        }
        boolean[] finishes = finishingStates(ruleStart, endsRule);
        String rootName = ruleNames.get(root);
        if (!finishes[ruleStart[root]]) {
            throw new GrammarException("rule " + rootName + " derives no finite text");
        }
        checkLeftRecursion(ruleStart, endsRule, finishes);
        int[][] byteEdges = new int[n][];
        int[][] epsilonEdges = new int[n][];
        int[][] callEdges = new int[n][];
        for (int s = 0; s < n; s++) {
            IntList kept = new IntList();
            IntList edges = bytes.get(s);
            for (int i = 0; i < edges.size; i += 3) {
                if (finishes[edges.values[i + 2]]) {
                    kept.add(edges.values[i]);
                    kept.add(edges.values[i + 1]);
                    kept.add(edges.values[i + 2]);
                }
            }
            byteEdges[s] = kept.toArray();
            kept = new IntList();
            for (int target : epsilons.get(s).toArray()) {
                if (finishes[target]) {
                    kept.add(target);
                }
            }
            epsilonEdges[s] = kept.toArray();
            kept = new IntList();
            IntList called = calls.get(s);
            for (int i = 0; i < called.size; i += 2) {
                if (finishes[ruleStart[called.values[i]]] && finishes[called.values[i + 1]]) {
                    kept.add(called.values[i]);
                    kept.add(called.values[i + 1]);
                }
            }
            callEdges[s] = kept.toArray();
        }
        return new ByteAutomaton(byteEdges, epsilonEdges, callEdges, ruleStart, endsRule, root);
    }

    /** The index of a rule that is called rather than inlined. */
    private int callable(String name) {
        Integer index = ruleIndex.get(name);
        if (index == null) {
            index = ruleNames.size();
            ruleIndex.put(name, index);
            ruleNames.add(name);
        }
        return index;
    }

    private int newState() {
        if (bytes.size() >= MAX_STATES) {
            throw new GrammarException("the grammar is too large: it needs more than " + MAX_STATES
                    + " automaton states (bounded repetitions such as {0,100000} are unrolled)");
        }
        bytes.add(new IntList());
        epsilons.add(new IntList());
        calls.add(new IntList());
        return bytes.size() - 1;
    }

    /** A fragment {@code {start, end}} that derives what {@code expr} derives. */
    private int[] fragment(GrammarExpr expr) {
        return switch (expr) {
            case GrammarExpr.Literal literal -> literal(literal.text());
            case GrammarExpr.CharClass chars -> charClass(chars);
            case GrammarExpr.Ref ref -> {
                if (!grammar.rules().containsKey(ref.rule())) {
                    throw new GrammarException("no rule is named " + ref.rule());
                }
                if (!recursive.contains(ref.rule())) {
                    yield fragment(grammar.rule(ref.rule()));
                }
                int start = newState();
                int end = newState();
                calls.get(start).add(callable(ref.rule()));
                calls.get(start).add(end);
                yield new int[] {start, end};
            }
            case GrammarExpr.Sequence sequence -> {
                int start = newState();
                int at = start;
                for (GrammarExpr item : sequence.items()) {
                    int[] part = fragment(item);
                    epsilons.get(at).add(part[0]);
                    at = part[1];
                }
                yield new int[] {start, at};
            }
            case GrammarExpr.Alternation alternation -> {
                int start = newState();
                int end = newState();
                for (GrammarExpr option : alternation.options()) {
                    int[] part = fragment(option);
                    epsilons.get(start).add(part[0]);
                    epsilons.get(part[1]).add(end);
                }
                yield new int[] {start, end};
            }
            case GrammarExpr.Repeat repeat -> repeat(repeat);
        };
    }

    private int[] literal(String text) {
        int start = newState();
        int at = start;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            if (codePoint >= 0xD800 && codePoint <= 0xDFFF) {
                throw new GrammarException("a literal holds a lone surrogate, which is not Unicode text");
            }
            for (byte b : Utf8Ranges.encode(codePoint)) {
                int next = newState();
                bytes.get(at).add(b & 0xFF);
                bytes.get(at).add(b & 0xFF);
                bytes.get(at).add(next);
                at = next;
            }
            i += Character.charCount(codePoint);
        }
        return new int[] {start, at};
    }

    private int[] charClass(GrammarExpr.CharClass chars) {
        int start = newState();
        int end = newState();
        for (int[] sequence : Utf8Ranges.of(Utf8Ranges.normalized(chars.ranges(), chars.negated()))) {
            int at = start;
            for (int i = 0; i < sequence.length; i += 2) {
                int next = i + 2 == sequence.length ? end : newState();
                bytes.get(at).add(sequence[i]);
                bytes.get(at).add(sequence[i + 1]);
                bytes.get(at).add(next);
                at = next;
            }
        }
        return new int[] {start, end};
    }

    private int[] repeat(GrammarExpr.Repeat repeat) {
        int start = newState();
        int at = start;
        for (int i = 0; i < repeat.min(); i++) {
            int[] copy = fragment(repeat.item());
            epsilons.get(at).add(copy[0]);
            at = copy[1];
        }
        if (repeat.max() == GrammarExpr.Repeat.UNBOUNDED) {
            int loop = newState();
            int end = newState();
            epsilons.get(at).add(loop);
            int[] copy = fragment(repeat.item());
            epsilons.get(loop).add(copy[0]);
            epsilons.get(copy[1]).add(loop);
            epsilons.get(loop).add(end);
            return new int[] {start, end};
        }
        int end = newState();
        for (int i = repeat.min(); i < repeat.max(); i++) {
            epsilons.get(at).add(end);
            int[] copy = fragment(repeat.item());
            epsilons.get(at).add(copy[0]);
            at = copy[1];
        }
        epsilons.get(at).add(end);
        return new int[] {start, end};
    }

    /**
     * The states from which the end of their rule can be reached (a call counts when its rule can
     * end): a worklist over reversed edges, so it is linear in the automaton.
     */
    private boolean[] finishingStates(int[] ruleStart, boolean[] endsRule) {
        int n = bytes.size();
        List<IntList> reverse = new ArrayList<>(n);
        List<IntList> reverseReturn = new ArrayList<>(n);      // return state -> call sites (state, rule)
        List<IntList> callersOfRule = new ArrayList<>(ruleStart.length);  // rule -> call sites (state, return)
        for (int s = 0; s < n; s++) {
            reverse.add(new IntList());
            reverseReturn.add(new IntList());
        }
        for (int r = 0; r < ruleStart.length; r++) {
            callersOfRule.add(new IntList());
        }
        for (int s = 0; s < n; s++) {
            IntList edges = bytes.get(s);
            for (int i = 0; i < edges.size; i += 3) {
                reverse.get(edges.values[i + 2]).add(s);
            }
            for (int target : epsilons.get(s).toArray()) {
                reverse.get(target).add(s);
            }
            IntList called = calls.get(s);
            for (int i = 0; i < called.size; i += 2) {
                reverseReturn.get(called.values[i + 1]).add(s);
                reverseReturn.get(called.values[i + 1]).add(called.values[i]);
                callersOfRule.get(called.values[i]).add(s);
                callersOfRule.get(called.values[i]).add(called.values[i + 1]);
            }
        }
        int[] startOf = new int[n];
        Arrays.fill(startOf, -1);
        for (int r = 0; r < ruleStart.length; r++) {
            startOf[ruleStart[r]] = r;
        }
        boolean[] finishes = new boolean[n];
        ArrayDeque<Integer> work = new ArrayDeque<>();
        for (int s = 0; s < n; s++) {
            if (endsRule[s]) {
                finishes[s] = true;
                work.add(s);
            }
        }
        while (!work.isEmpty()) {
            int s = work.poll();
            for (int source : reverse.get(s).toArray()) {
                if (!finishes[source]) {
                    finishes[source] = true;
                    work.add(source);
                }
            }
            IntList sites = reverseReturn.get(s);
            for (int i = 0; i < sites.size; i += 2) {
                int site = sites.values[i];
                if (!finishes[site] && finishes[ruleStart[sites.values[i + 1]]]) {
                    finishes[site] = true;
                    work.add(site);
                }
            }
            if (startOf[s] >= 0) {
                IntList callers = callersOfRule.get(startOf[s]);
                for (int i = 0; i < callers.size; i += 2) {
                    int site = callers.values[i];
                    if (!finishes[site] && finishes[callers.values[i + 1]]) {
                        finishes[site] = true;
                        work.add(site);
                    }
                }
            }
        }
        return finishes;
    }

    /**
     * Refuses a rule that can call itself before consuming a byte: the matcher expands calls
     * eagerly, and that expansion would never end.
     */
    private void checkLeftRecursion(int[] ruleStart, boolean[] endsRule, boolean[] finishes) {
        int rules = ruleStart.length;
        boolean[] nullable = new boolean[rules];
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int r = 0; r < rules; r++) {
                if (!nullable[r] && !leftReach(ruleStart[r], endsRule, finishes, nullable, null)) {
                    continue;
                }
                if (!nullable[r]) {
                    nullable[r] = true;
                    changed = true;
                }
            }
        }
        List<Set<Integer>> leftCalls = new ArrayList<>();
        for (int r = 0; r < rules; r++) {
            Set<Integer> called = new HashSet<>();
            leftReach(ruleStart[r], endsRule, finishes, nullable, called);
            leftCalls.add(called);
        }
        int[] mark = new int[rules];
        for (int r = 0; r < rules; r++) {
            findCycle(r, leftCalls, mark);
        }
    }

    private void findCycle(int rule, List<Set<Integer>> leftCalls, int[] mark) {
        if (mark[rule] == 2) {
            return;
        }
        if (mark[rule] == 1) {
            throw new GrammarException("rule " + ruleNames.get(rule)
                    + " is left-recursive (it can reach itself before any text); rewrite it with a repetition");
        }
        mark[rule] = 1;
        for (int next : leftCalls.get(rule)) {
            findCycle(next, leftCalls, mark);
        }
        mark[rule] = 2;
    }

    /**
     * Walks from {@code start} without consuming a byte (epsilons, and past calls of nullable
     * rules); collects the rules called on the way into {@code called}, and says whether the end
     * of the rule is reached.
     */
    private boolean leftReach(int start, boolean[] endsRule, boolean[] finishes, boolean[] nullable, Set<Integer> called) {
        ArrayDeque<Integer> work = new ArrayDeque<>();
        Set<Integer> seen = new HashSet<>();
        work.add(start);
        seen.add(start);
        boolean ends = false;
        while (!work.isEmpty()) {
            int s = work.poll();
            ends |= endsRule[s];
            for (int target : epsilons.get(s).toArray()) {
                if (finishes[target] && seen.add(target)) {
                    work.add(target);
                }
            }
            IntList sites = calls.get(s);
            for (int i = 0; i < sites.size; i += 2) {
                if (called != null) {
                    called.add(sites.values[i]);
                }
                if (nullable[sites.values[i]] && seen.add(sites.values[i + 1])) {
                    work.add(sites.values[i + 1]);
                }
            }
        }
        return ends;
    }

    /** The rules that can reach themselves through references: these are called, the others inlined. */
    private static Set<String> recursiveRules(Grammar grammar) {
        Map<String, Set<String>> refs = new HashMap<>();
        for (Map.Entry<String, GrammarExpr> rule : grammar.rules().entrySet()) {
            Set<String> out = new HashSet<>();
            collectRefs(rule.getValue(), out);
            refs.put(rule.getKey(), out);
        }
        Set<String> recursive = new HashSet<>();
        for (String rule : grammar.rules().keySet()) {
            ArrayDeque<String> work = new ArrayDeque<>(refs.get(rule));
            Set<String> seen = new HashSet<>();
            while (!work.isEmpty()) {
                String next = work.poll();
                if (next.equals(rule)) {
                    recursive.add(rule);
                    break;
                }
                if (seen.add(next) && refs.containsKey(next)) {
                    work.addAll(refs.get(next));
                }
            }
        }
        return recursive;
    }

    private static void collectRefs(GrammarExpr expr, Set<String> out) {
        switch (expr) {
            case GrammarExpr.Ref ref -> out.add(ref.rule());
            case GrammarExpr.Sequence sequence -> sequence.items().forEach(item -> collectRefs(item, out));
            case GrammarExpr.Alternation alternation -> alternation.options().forEach(option -> collectRefs(option, out));
            case GrammarExpr.Repeat repeat -> collectRefs(repeat.item(), out);
            case GrammarExpr.Literal literal -> { }
            case GrammarExpr.CharClass chars -> { }
        }
    }
}
