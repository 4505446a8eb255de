package dev.vela.application.structured;

import dev.vela.application.structured.GrammarExpr.Alternation;
import dev.vela.application.structured.GrammarExpr.CharClass;
import dev.vela.application.structured.GrammarExpr.Literal;
import dev.vela.application.structured.GrammarExpr.Ref;
import dev.vela.application.structured.GrammarExpr.Repeat;
import dev.vela.application.structured.GrammarExpr.Sequence;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random sentences of a {@link Grammar}, for tests: uniform choices, short repetitions, and beyond
 * a depth or length the cheapest way to finish, so that recursive grammars end. Character classes
 * are sampled across their whole ranges, so that escapes, non-ASCII and astral characters appear.
 */
public final class SentenceGenerator {

    private static final int SOFT_DEPTH = 8;
    private static final int SOFT_LENGTH = 600;
    private static final int INFINITE = Integer.MAX_VALUE / 4;

    private static final int[] SPECIAL = {' ', 'a', 'Z', '7', '"', '\\', 0xE9, 0x4E2D, 0x1F600};

    private final Grammar grammar;
    private final Random random;
    private final Map<String, Integer> cheapest = new HashMap<>();
    private StringBuilder out;

    public SentenceGenerator(Grammar grammar, long seed) {
        this.grammar = grammar;
        this.random = new Random(seed);
        grammar.rules().keySet().forEach(rule -> cheapest.put(rule, INFINITE));
        boolean changed = true;
        while (changed) {
            changed = false;
            for (Map.Entry<String, GrammarExpr> rule : grammar.rules().entrySet()) {
                int cost = cost(rule.getValue());
                if (cost < cheapest.get(rule.getKey())) {
                    cheapest.put(rule.getKey(), cost);
                    changed = true;
                }
            }
        }
    }

    /** One random sentence. */
    public String next() {
        out = new StringBuilder();
        emit(grammar.rule(grammar.root()), 0);
        return out.toString();
    }

    private void emit(GrammarExpr expr, int depth) {
        boolean frugal = depth > SOFT_DEPTH || out.length() > SOFT_LENGTH;
        switch (expr) {
            case Literal literal -> out.append(literal.text());
            case CharClass chars -> out.appendCodePoint(sample(chars));
            case Ref ref -> emit(grammar.rule(ref.rule()), depth + 1);
            case Sequence sequence -> sequence.items().forEach(item -> emit(item, depth));
            case Alternation alternation -> {
                List<GrammarExpr> options = alternation.options();
                if (frugal) {
                    int best = options.stream().mapToInt(this::cost).min().orElseThrow();
                    options = options.stream().filter(option -> cost(option) == best).toList();
                } else {
                    options = options.stream().filter(option -> cost(option) < INFINITE).toList();
                }
                emit(options.get(random.nextInt(options.size())), depth);
            }
            case Repeat repeat -> {
                int count = repeat.min();
                if (!frugal) {
                    while (random.nextInt(3) != 0 && (repeat.max() == Repeat.UNBOUNDED || count < repeat.max())
                            && count < repeat.min() + 12) {
                        count++;
                    }
                }
                for (int i = 0; i < count; i++) {
                    emit(repeat.item(), depth + 1);
                }
            }
        }
    }

    private int sample(CharClass chars) {
        if (!chars.negated()) {
            int[] ranges = chars.ranges();
            int pick = random.nextInt(ranges.length / 2) * 2;
            int span = ranges[pick + 1] - ranges[pick] + 1;
            // Mostly the start of a range (ASCII-heavy, like real text), sometimes anywhere in it.
            int offset = random.nextInt(4) == 0 ? random.nextInt(span) : random.nextInt(Math.min(span, 96));
            return ranges[pick] + offset;
        }
        while (true) {
            int c = random.nextInt(4) == 0 ? SPECIAL[random.nextInt(SPECIAL.length)] : 0x20 + random.nextInt(0x2000);
            if (chars.matches(c) && (c < 0xD800 || c > 0xDFFF)) {
                return c;
            }
        }
    }

    private int cost(GrammarExpr expr) {
        return switch (expr) {
            case Literal literal -> literal.text().length();
            case CharClass chars -> 1;
            case Ref ref -> cheapest.get(ref.rule());
            case Sequence sequence -> (int) Math.min(INFINITE, sequence.items().stream().mapToLong(this::cost).sum());
            case Alternation alternation -> alternation.options().stream().mapToInt(this::cost).min().orElse(INFINITE);
            case Repeat repeat -> (int) Math.min(INFINITE, (long) repeat.min() * cost(repeat.item()));
        };
    }
}
