package dev.vela.application.structured;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Code point ranges as UTF-8 byte-range sequences: each sequence is one byte range per encoded
 * byte, and the code points of a range are exactly the byte strings of its sequences. Surrogates
 * are left out (they have no UTF-8 encoding).
 */
final class Utf8Ranges {

    static final int MAX_CODE_POINT = 0x10FFFF;

    private Utf8Ranges() {
    }

    /**
     * The byte-range sequences of inclusive code point ranges {@code [r0, r1], [r2, r3], ...}; each
     * sequence is {@code {lo0, hi0, lo1, hi1, ...}}.
     */
    static List<int[]> of(int[] ranges) {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < ranges.length; i += 2) {
            split(ranges[i], ranges[i + 1], out);
        }
        return out;
    }

    /** The inclusive ranges sorted and merged, or their complement over every code point when {@code negated}. */
    static int[] normalized(int[] ranges, boolean negated) {
        int pairs = ranges.length / 2;
        int[][] sorted = new int[pairs][];
        for (int i = 0; i < pairs; i++) {
            sorted[i] = new int[] {Math.max(0, ranges[2 * i]), Math.min(MAX_CODE_POINT, ranges[2 * i + 1])};
        }
        Arrays.sort(sorted, (a, b) -> Integer.compare(a[0], b[0]));
        List<int[]> merged = new ArrayList<>();
        for (int[] range : sorted) {
            if (range[0] > range[1]) {
                continue;
            }
            int[] last = merged.isEmpty() ? null : merged.getLast();
            if (last != null && range[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], range[1]);
            } else {
                merged.add(range.clone());
            }
        }
        if (negated) {
            List<int[]> complement = new ArrayList<>();
            int next = 0;
            for (int[] range : merged) {
                if (range[0] > next) {
                    complement.add(new int[] {next, range[0] - 1});
                }
                next = range[1] + 1;
            }
            if (next <= MAX_CODE_POINT) {
                complement.add(new int[] {next, MAX_CODE_POINT});
            }
            merged = complement;
        }
        int[] flat = new int[merged.size() * 2];
        for (int i = 0; i < merged.size(); i++) {
            flat[2 * i] = merged.get(i)[0];
            flat[2 * i + 1] = merged.get(i)[1];
        }
        return flat;
    }

    private static void split(int lo, int hi, List<int[]> out) {
        if (lo > hi) {
            return;
        }
        if (lo <= 0xDFFF && hi >= 0xD800) {
            split(lo, 0xD7FF, out);
            split(0xE000, hi, out);
            return;
        }
        for (int boundary : new int[] {0x7F, 0x7FF, 0xFFFF}) {
            if (lo <= boundary && hi > boundary) {
                split(lo, boundary, out);
                split(boundary + 1, hi, out);
                return;
            }
        }
        int length = encodedLength(lo);
        // until every continuation byte spans its whole range below the first one that differs
        for (int i = 1; i < length; i++) {
            int mask = (1 << (6 * i)) - 1;
            if ((lo & ~mask) != (hi & ~mask)) {
                if ((lo & mask) != 0) {
                    split(lo, lo | mask, out);
                    split((lo | mask) + 1, hi, out);
                    return;
                }
                if ((hi & mask) != mask) {
                    split(lo, (hi & ~mask) - 1, out);
                    split(hi & ~mask, hi, out);
                    return;
                }
            }
        }
        byte[] low = encode(lo);
        byte[] high = encode(hi);
        int[] sequence = new int[2 * length];
        for (int i = 0; i < length; i++) {
            sequence[2 * i] = low[i] & 0xFF;
            sequence[2 * i + 1] = high[i] & 0xFF;
        }
        out.add(sequence);
    }

    private static int encodedLength(int codePoint) {
        return codePoint <= 0x7F ? 1 : codePoint <= 0x7FF ? 2 : codePoint <= 0xFFFF ? 3 : 4;
    }

    /** The UTF-8 bytes of one code point (surrogates excluded by the caller). */
    static byte[] encode(int codePoint) {
        return switch (encodedLength(codePoint)) {
            case 1 -> new byte[] {(byte) codePoint};
            case 2 -> new byte[] {(byte) (0xC0 | codePoint >> 6), (byte) (0x80 | codePoint & 0x3F)};
            case 3 -> new byte[] {(byte) (0xE0 | codePoint >> 12), (byte) (0x80 | codePoint >> 6 & 0x3F),
                    (byte) (0x80 | codePoint & 0x3F)};
            default -> new byte[] {(byte) (0xF0 | codePoint >> 18), (byte) (0x80 | codePoint >> 12 & 0x3F),
                    (byte) (0x80 | codePoint >> 6 & 0x3F), (byte) (0x80 | codePoint & 0x3F)};
        };
    }
}
