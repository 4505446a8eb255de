package dev.vela.adapters.hf;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Jinja's {@code tojson} filter as transformers defines it for chat templates:
 * {@code json.dumps(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False)}. Tool
 * definitions reach the prompt through it, so its spacing must be Python's ({@code {"a": 1}}),
 * not Jinjava's compact Jackson output ({@code {"a":1}}).
 */
final class PythonJsonFilter implements Filter {

    private final long maxLength;

    /** @param maxLength the longest JSON text it may write; a larger {@code indent} or value fails the render */
    PythonJsonFilter(long maxLength) {
        this.maxLength = maxLength;
    }

    @Override
    public String getName() {
        return "tojson";
    }

    @Override
    public Object filter(Object value, JinjavaInterpreter interpreter, String... args) {
        return filter(value, interpreter, (Object[]) args, Map.of());
    }

    @Override
    public Object filter(Object value, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        // Python's positional order: tojson(x, ensure_ascii, indent, separators, sort_keys).
        boolean ensureAscii = truthy(argument(args, kwargs, 0, "ensure_ascii"));
        String indent = indentOf(argument(args, kwargs, 1, "indent"), maxLength);
        List<?> separators = argument(args, kwargs, 2, "separators") instanceof List<?> pair && pair.size() == 2
                ? pair : null;
        boolean sortKeys = truthy(argument(args, kwargs, 3, "sort_keys"));
        String itemSeparator = separators != null ? String.valueOf(separators.get(0)) : indent != null ? "," : ", ";
        String keySeparator = separators != null ? String.valueOf(separators.get(1)) : ": ";
        StringBuilder out = new StringBuilder();
        new JsonDump(out, ensureAscii, indent, itemSeparator, keySeparator, sortKeys, maxLength).write(value, 0);
        return out.toString();
    }

    private static Object argument(Object[] args, Map<String, Object> kwargs, int position, String name) {
        if (kwargs.containsKey(name)) {
            return kwargs.get(name);
        }
        return args != null && args.length > position ? args[position] : null;
    }

    private static boolean truthy(Object value) {
        return value instanceof Boolean b ? b : value != null && !"false".equalsIgnoreCase(value.toString());
    }

    /** Python takes a number of spaces or the indent text itself. */
    private static String indentOf(Object indent, long maxLength) {
        return switch (indent) {
            case null -> null;
            case Number spaces -> spaces(spaces.longValue(), maxLength);
            case String text when text.chars().allMatch(Character::isDigit) && !text.isEmpty() ->
                    spaces(text.length() > 18 ? Long.MAX_VALUE : Long.parseLong(text), maxLength);
            default -> indent.toString();
        };
    }

    private static String spaces(long count, long maxLength) {
        if (count > maxLength) {
            throw new TemplateSandboxException("tojson would write more than " + maxLength + " characters");
        }
        return " ".repeat((int) Math.max(0, count));
    }

    private record JsonDump(StringBuilder out, boolean ensureAscii, String indent, String itemSeparator,
                          String keySeparator, boolean sortKeys, long maxLength) {

        void write(Object value, int depth) {
            switch (value) {
                case null -> out.append("null");
                case Boolean b -> out.append(b);
                case Integer _, Long _, Short _, Byte _, BigInteger _ -> out.append(value);
                case BigDecimal decimal when decimal.scale() <= 0 -> out.append(decimal.toBigInteger());
                case Number number -> out.append(pythonFloat(number.doubleValue()));
                case Map<?, ?> map -> writeObject(map, depth);
                case Iterable<?> items -> writeArray(items, depth);
                case Object[] items -> writeArray(Arrays.asList(items), depth);
                default -> writeString(value.toString());
            }
        }

        private void writeObject(Map<?, ?> map, int depth) {
            List<Map.Entry<?, ?>> entries = new ArrayList<>(map.entrySet());
            if (sortKeys) {
                entries.sort(Comparator.comparing(entry -> String.valueOf(entry.getKey())));
            }
            if (entries.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append('{');
            for (int i = 0; i < entries.size(); i++) {
                separate(i, depth + 1);
                writeString(String.valueOf(entries.get(i).getKey()));
                out.append(keySeparator);
                write(entries.get(i).getValue(), depth + 1);
            }
            close(depth);
            out.append('}');
        }

        private void writeArray(Iterable<?> items, int depth) {
            int i = 0;
            out.append('[');
            for (Object item : items) {
                separate(i++, depth + 1);
                write(item, depth + 1);
            }
            if (i > 0) {
                close(depth);
            }
            out.append(']');
        }

        private void separate(int index, int depth) {
            checkLength(depth);
            if (index > 0) {
                out.append(itemSeparator);
            }
            if (indent != null) {
                out.append('\n').append(indent.repeat(depth));
            }
        }

        private void close(int depth) {
            checkLength(depth);
            if (indent != null) {
                out.append('\n').append(indent.repeat(depth));
            }
        }

        /** Checked before each indentation is written, the one thing here that can grow faster than the value. */
        private void checkLength(int depth) {
            if (out.length() + (indent == null ? 0 : (long) indent.length() * depth) > maxLength) {
                throw new TemplateSandboxException("tojson would write more than " + maxLength + " characters");
            }
        }

        private void writeString(String text) {
            out.append('"');
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    default -> {
                        if (c < 0x20 || (ensureAscii && c > 0x7E)) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }

    /** Python's {@code repr} of a float: shortest digits, exponent form below 1e-4 and from 1e16. */
    static String pythonFloat(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == 0) {
            return 1 / value < 0 ? "-0.0" : "0.0";
        }
        BigDecimal shortest = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        String digits = shortest.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - shortest.scale();
        String sign = value < 0 ? "-" : "";
        if (exponent >= -4 && exponent < 16) {
            String plain = shortest.abs().toPlainString();
            return sign + (plain.contains(".") ? plain : plain + ".0");
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }
}
