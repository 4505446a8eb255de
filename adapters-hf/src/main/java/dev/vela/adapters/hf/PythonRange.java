package dev.vela.adapters.hf;

import java.util.ArrayList;
import java.util.List;

/**
 * The {@code range} function as jinja2's sandbox gives it: Python's {@code range(stop)},
 * {@code range(start, stop[, step])}, refused with the sandbox's error past 100,000 items.
 * Jinjava's own cuts a longer range short without a word, which would render a different prompt.
 */
final class PythonRange {

    static final int MAX_RANGE = 100_000;

    private PythonRange() {
    }

    /** Bound to the template function {@code range}; Jinjava calls it by reflection, so it is public. */
    public static List<Long> range(Object first, Object... rest) {
        long start = rest.length == 0 ? 0 : integer(first);
        long stop = rest.length == 0 ? integer(first) : integer(rest[0]);
        long step = rest.length > 1 ? integer(rest[1]) : 1;
        if (rest.length > 2) {
            throw new TemplateSandboxException("range expected at most 3 arguments, got " + (rest.length + 1));
        }
        if (step == 0) {
            throw new TemplateSandboxException("range() arg 3 must not be zero");
        }
        double count = Math.max(0, Math.ceil(((double) stop - start) / step));
        if (count > MAX_RANGE) {
            throw new TemplateSandboxException("Range too big. The sandbox blocks ranges larger than MAX_RANGE ("
                    + MAX_RANGE + ").");
        }
        List<Long> items = new ArrayList<>((int) count);
        for (long i = 0, value = start; i < count; i++, value += step) {
            items.add(value);
        }
        return items;
    }

    private static long integer(Object value) {
        if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
                && !(value instanceof Double || value instanceof Float)) {
            return number.longValue();
        }
        throw new TemplateSandboxException("'" + (value == null ? "NoneType" : value instanceof Number ? "float"
                : value.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT))
                + "' object cannot be interpreted as an integer");
    }
}
