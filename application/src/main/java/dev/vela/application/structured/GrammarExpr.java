package dev.vela.application.structured;

import java.util.List;

/** One expression of a {@link Grammar}: what a rule's right-hand side is made of. */
public sealed interface GrammarExpr {

    /** Exactly this text. */
    record Literal(String text) implements GrammarExpr {
    }

    /**
     * One code point in (or, when {@code negated}, outside) the inclusive ranges
     * {@code [ranges[0], ranges[1]], [ranges[2], ranges[3]], ...}.
     */
    record CharClass(int[] ranges, boolean negated) implements GrammarExpr {
        public CharClass {
            if (ranges.length % 2 != 0) {
                throw new IllegalArgumentException("character ranges come in pairs");
            }
            ranges = ranges.clone();
        }

        public boolean matches(int codePoint) {
            boolean inside = false;
            for (int i = 0; i < ranges.length && !inside; i += 2) {
                inside = codePoint >= ranges[i] && codePoint <= ranges[i + 1];
            }
            return inside != negated;
        }
    }

    /** The rule of that name. */
    record Ref(String rule) implements GrammarExpr {
    }

    /** Each item in turn. */
    record Sequence(List<GrammarExpr> items) implements GrammarExpr {
        public Sequence {
            items = List.copyOf(items);
        }
    }

    /** Any one of the options. */
    record Alternation(List<GrammarExpr> options) implements GrammarExpr {
        public Alternation {
            options = List.copyOf(options);
        }
    }

    /** {@code item} between {@code min} and {@code max} times; {@code max} is {@link #UNBOUNDED} for no limit. */
    record Repeat(GrammarExpr item, int min, int max) implements GrammarExpr {
        public static final int UNBOUNDED = -1;

        public Repeat {
            if (min < 0 || (max != UNBOUNDED && max < min)) {
                throw new IllegalArgumentException("bad repetition {" + min + "," + max + "}");
            }
        }
    }
}
