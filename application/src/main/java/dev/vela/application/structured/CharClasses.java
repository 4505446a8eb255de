package dev.vela.application.structured;

import dev.vela.application.structured.GrammarExpr.CharClass;
import java.util.ArrayList;
import java.util.List;

/** Set operations on {@link CharClass}es, for front ends that narrow what a user's class allows. */
final class CharClasses {

    private CharClasses() {
    }

    /** The code points in both classes, as a plain (not negated) class; null when there is none. */
    static CharClass intersection(CharClass a, CharClass b) {
        int[] left = positive(a);
        int[] right = positive(b);
        List<Integer> bounds = new ArrayList<>();
        for (int i = 0; i < left.length; i += 2) {
            for (int j = 0; j < right.length; j += 2) {
                int from = Math.max(left[i], right[j]);
                int to = Math.min(left[i + 1], right[j + 1]);
                if (from <= to) {
                    bounds.add(from);
                    bounds.add(to);
                }
            }
        }
        return bounds.isEmpty() ? null : new CharClass(bounds.stream().mapToInt(Integer::intValue).toArray(), false);
    }

    /** The class's code points as sorted, disjoint inclusive ranges (the complement, for a negated class). */
    private static int[] positive(CharClass chars) {
        int[] ranges = chars.ranges();
        List<int[]> sorted = new ArrayList<>();
        for (int i = 0; i < ranges.length; i += 2) {
            sorted.add(new int[] {ranges[i], ranges[i + 1]});
        }
        sorted.sort((a, b) -> Integer.compare(a[0], b[0]));
        List<Integer> merged = new ArrayList<>();
        for (int[] range : sorted) {
            int last = merged.size() - 1;
            if (last > 0 && range[0] <= merged.get(last) + 1) {
                merged.set(last, Math.max(merged.get(last), range[1]));
            } else {
                merged.add(range[0]);
                merged.add(range[1]);
            }
        }
        if (!chars.negated()) {
            return merged.stream().mapToInt(Integer::intValue).toArray();
        }
        List<Integer> complement = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < merged.size(); i += 2) {
            if (merged.get(i) > from) {
                complement.add(from);
                complement.add(merged.get(i) - 1);
            }
            from = Math.max(from, merged.get(i + 1) + 1);
        }
        if (from <= Character.MAX_CODE_POINT) {
            complement.add(from);
            complement.add(Character.MAX_CODE_POINT);
        }
        return complement.stream().mapToInt(Integer::intValue).toArray();
    }
}
