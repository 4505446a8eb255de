package dev.vela.application.structured;

import dev.vela.application.structured.GrammarExpr.Alternation;
import dev.vela.application.structured.GrammarExpr.CharClass;
import dev.vela.application.structured.GrammarExpr.Literal;
import dev.vela.application.structured.GrammarExpr.Repeat;
import dev.vela.application.structured.GrammarExpr.Sequence;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON integers between two bounds (either may be absent), as an exact grammar over their
 * decimal digits: no leading zeros, no {@code -0}, every integer in the range and no other.
 */
final class IntegerRange {

    private static final CharClass DIGIT = new CharClass(new int[] {'0', '9'}, false);
    private static final CharClass NON_ZERO = new CharClass(new int[] {'1', '9'}, false);

    private IntegerRange() {
    }

    /** Every JSON integer (no bounds). */
    static GrammarExpr any() {
        return new Sequence(List.of(new Repeat(new Literal("-"), 0, 1), naturals(BigInteger.ZERO)));
    }

    /** The integers {@code min <= i <= max}; null means unbounded on that side. Empty when min > max. */
    static List<GrammarExpr> between(BigInteger min, BigInteger max) {
        List<GrammarExpr> options = new ArrayList<>();
        // The negative part: "-" followed by the magnitudes |max'| .. |min| with max' = min(max, -1).
        if (min == null || min.signum() < 0) {
            BigInteger lowMagnitude = max == null || max.signum() >= 0 ? BigInteger.ONE : max.negate();
            BigInteger highMagnitude = min == null ? null : min.negate();
            if (highMagnitude == null || lowMagnitude.compareTo(highMagnitude) <= 0) {
                options.add(new Sequence(List.of(new Literal("-"), magnitudes(lowMagnitude, highMagnitude))));
            }
        }
        // The non-negative part: max(min, 0) .. max.
        if (max == null || max.signum() >= 0) {
            BigInteger low = min == null || min.signum() < 0 ? BigInteger.ZERO : min;
            if (max == null || low.compareTo(max) <= 0) {
                options.add(magnitudes(low, max));
            }
        }
        return options;
    }

    /** The naturals {@code low <= i <= high} ({@code high} null: no upper bound). */
    private static GrammarExpr magnitudes(BigInteger low, BigInteger high) {
        if (high == null) {
            return naturals(low);
        }
        List<GrammarExpr> byLength = new ArrayList<>();
        int lowLength = low.toString().length();
        int highLength = high.toString().length();
        for (int length = lowLength; length <= highLength; length++) {
            String from = length == lowLength ? low.toString() : "1" + "0".repeat(length - 1);
            String to = length == highLength ? high.toString() : "9".repeat(length);
            byLength.add(sameLength(from, to));
        }
        return alternation(byLength);
    }

    /** The naturals from {@code low} up, without bound. */
    private static GrammarExpr naturals(BigInteger low) {
        String digits = low.toString();
        GrammarExpr longer = new Sequence(List.of(NON_ZERO, new Repeat(DIGIT, digits.length(), Repeat.UNBOUNDED)));
        String top = "9".repeat(digits.length());
        return alternation(List.of(sameLength(digits, top), longer));
    }

    /** The digit strings of one length between {@code from} and {@code to} (inclusive, same length). */
    private static GrammarExpr sameLength(String from, String to) {
        int rest = from.length() - 1;
        char first = from.charAt(0);
        char last = to.charAt(0);
        if (rest == 0) {
            return digits(first, last);
        }
        String fromTail = from.substring(1);
        String toTail = to.substring(1);
        if (first == last) {
            return new Sequence(List.of(new Literal(String.valueOf(first)), sameLength(fromTail, toTail)));
        }
        boolean fromTailIsLowest = fromTail.chars().allMatch(c -> c == '0');
        boolean toTailIsHighest = toTail.chars().allMatch(c -> c == '9');
        List<GrammarExpr> options = new ArrayList<>();
        char middleFirst = fromTailIsLowest ? first : (char) (first + 1);
        char middleLast = toTailIsHighest ? last : (char) (last - 1);
        if (!fromTailIsLowest) {
            options.add(new Sequence(List.of(new Literal(String.valueOf(first)), sameLength(fromTail, "9".repeat(rest)))));
        }
        if (middleFirst <= middleLast) {
            options.add(new Sequence(List.of(digits(middleFirst, middleLast), new Repeat(DIGIT, rest, rest))));
        }
        if (!toTailIsHighest) {
            options.add(new Sequence(List.of(new Literal(String.valueOf(last)), sameLength("0".repeat(rest), toTail))));
        }
        return alternation(options);
    }

    private static GrammarExpr digits(char from, char to) {
        return from == to ? new Literal(String.valueOf(from)) : new CharClass(new int[] {from, to}, false);
    }

    private static GrammarExpr alternation(List<GrammarExpr> options) {
        return options.size() == 1 ? options.getFirst() : new Alternation(options);
    }
}
