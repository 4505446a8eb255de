package dev.vela.bootstrap;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes in bytes as operators write them: {@code 1073741824}, {@code 2GiB}, {@code 512MiB},
 * {@code 4GB}. As in vLLM's {@code human_readable_int}, a lone upper-case {@code K M G T} is binary
 * (1024-based) and a lone lower-case one decimal; {@code KiB}... are binary and {@code KB}... decimal.
 */
final class ByteSize {

    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([KMGTkmgt]?)(i?)([Bb]?)");

    private ByteSize() {
    }

    /** The number of bytes, or null when {@code text} is not a size. */
    static Long parse(String text) {
        Matcher m = SIZE.matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        String unit = m.group(2);
        boolean binary = !m.group(3).isEmpty() || (m.group(4).isEmpty() && !unit.isEmpty() && Character.isUpperCase(unit.charAt(0)));
        int power = unit.isEmpty() ? 0 : "KMGT".indexOf(unit.toUpperCase(Locale.ROOT)) + 1;
        double bytes = Double.parseDouble(m.group(1)) * Math.pow(binary ? 1024 : 1000, power);
        if (bytes > Long.MAX_VALUE || bytes != Math.floor(bytes)) {
            return null;
        }
        return (long) bytes;
    }
}
