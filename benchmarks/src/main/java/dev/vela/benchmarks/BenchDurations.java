package dev.vela.benchmarks;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people type them on a command line: {@code 90s}, {@code 2m}, {@code 1h}, {@code 1h30m}. */
final class BenchDurations {

    private static final Pattern PART = Pattern.compile("(\\d+)([hms])");

    private BenchDurations() {
    }

    static Duration parse(String text) {
        Matcher part = PART.matcher(text.strip());
        Duration total = Duration.ZERO;
        int end = 0;
        while (part.find() && part.start() == end) {
            long count = Long.parseLong(part.group(1));
            total = total.plus(switch (part.group(2)) {
                case "h" -> Duration.ofHours(count);
                case "m" -> Duration.ofMinutes(count);
                default -> Duration.ofSeconds(count);
            });
            end = part.end();
        }
        if (end == 0 || end != text.strip().length() || total.isZero()) {
            throw new IllegalArgumentException("a duration such as 90s, 2m or 1h, not '" + text + "'");
        }
        return total;
    }

    static String format(Duration duration) {
        long seconds = duration.toSeconds();
        return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }
}
