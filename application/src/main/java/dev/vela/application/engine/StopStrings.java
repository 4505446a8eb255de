package dev.vela.application.engine;

import java.util.List;

/**
 * Finds the client's stop strings in a growing output text, the way vLLM does: only text added
 * since the last check (plus the length of the stop string) is searched, the earliest match wins,
 * and the text is cut before the stop string (or after it, when it is to be included).
 */
final class StopStrings {

    private final List<String> stops;
    private final boolean includeInOutput;
    private final int holdBack;

    StopStrings(List<String> stops, boolean includeInOutput) {
        this.stops = stops;
        this.includeInOutput = includeInOutput;
        int longest = 0;
        for (String s : stops) {
            longest = Math.max(longest, s.length());
        }
        this.holdBack = longest == 0 ? 0 : longest - 1;
    }

    /** A stop string found in the text, and where the text must end. */
    record Match(String stop, int truncateTo) {
    }

    /** Looks for a stop string ending in the last {@code newChars} chars of {@code text}. */
    Match find(CharSequence text, int newChars) {
        if (stops.isEmpty() || newChars == 0) {
            return null;
        }
        Match best = null;
        int bestAt = Integer.MAX_VALUE;
        for (String stop : stops) {
            int from = Math.max(0, text.length() - newChars - stop.length() + 1);
            int at = indexOf(text, stop, from);
            if (at >= 0 && at < bestAt) {
                bestAt = at;
                best = new Match(stop, includeInOutput ? at + stop.length() : at);
            }
        }
        return best;
    }

    /** Chars at the end of the text that a stream must not send yet: they could start a stop string. */
    int holdBack() {
        return holdBack;
    }

    private static int indexOf(CharSequence text, String needle, int from) {
        int last = text.length() - needle.length();
        outer:
        for (int i = from; i <= last; i++) {
            for (int j = 0; j < needle.length(); j++) {
                if (text.charAt(i + j) != needle.charAt(j)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
