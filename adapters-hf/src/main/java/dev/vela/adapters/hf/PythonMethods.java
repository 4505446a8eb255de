package dev.vela.adapters.hf;

import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.util.ForLoop;
import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * What a chat template can do with an object: Python's {@code str}, {@code dict} and {@code list}
 * methods that chat templates call ({@code content.split('</think>')[-1]}, {@code .startswith(...)},
 * {@code .rstrip('\n')}, {@code d.get(key, default)}, {@code d.items()}), with Python's meaning,
 * and nothing of the Java object behind it. Java's methods of the same name differ ({@code split}
 * takes a regular expression and drops trailing empty strings: {@code 'x</think>'.split('</think>')[-1]}
 * would give {@code x}, not {@code ''}), and the others would let a template reach Java itself, so
 * every other method call fails as calling an undefined attribute fails in jinja2, and a Java
 * bean property ({@code 'x'.bytes}, {@code loop.class}) is undefined. Only Jinjava's loop object
 * keeps its properties ({@code loop.index}, {@code loop.last}) and {@code loop.cycle}, and
 * Jinjava's filters and tests stay callable as Jinjava calls them.
 */
final class PythonMethods extends ELResolver {

    private static final Object NOT_HANDLED = new Object();

    private final long maxStringLength;

    /** @param maxStringLength the longest string a method may return, so no call can build an unbounded one */
    PythonMethods(long maxStringLength) {
        this.maxStringLength = maxStringLength;
    }

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (base == null || isJinjavasOwnCall(base, String.valueOf(method))) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        String name = String.valueOf(method);
        Object result = switch (base) {
            case String text -> stringMethod(text, name, args);
            case Map<?, ?> map -> dictMethod(map, name, args);
            case List<?> list -> listMethod(list, name, args);
            default -> NOT_HANDLED;
        };
        if (result == NOT_HANDLED) {
            throw new TemplateSandboxException("'" + pythonType(base) + " object' has no attribute '" + name + "'");
        }
        context.setPropertyResolved(true);
        return result;
    }

    /** Jinjava calls filters and tests as methods ({@code x|upper} is {@code filter:upper.filter(x, ...)}). */
    private static boolean isJinjavasOwnCall(Object base, String method) {
        return base instanceof Filter && method.equals("filter")
                || base instanceof ExpTest && (method.equals("evaluate") || method.equals("evaluateNegated"))
                || base instanceof ForLoop && method.equals("cycle");
    }

    /**
     * Map keys and list indexes are left to Jinjava; any other property of a Java object is
     * undefined, as an attribute an object lacks is in jinja2.
     */
    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        boolean allowed = base == null || base instanceof Map<?, ?> || base instanceof ForLoop
                || (base instanceof List<?> || base.getClass().isArray()) && isIndex(property);
        if (!allowed) {
            context.setPropertyResolved(true);
        }
        return null;
    }

    private static boolean isIndex(Object property) {
        if (property instanceof Number) {
            return true;
        }
        try {
            Long.parseLong(String.valueOf(property));
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static String pythonType(Object value) {
        return switch (value) {
            case String _ -> "str";
            case Map<?, ?> _ -> "dict";
            case List<?> _ -> "list";
            case Boolean _ -> "bool";
            case Integer _, Long _, Short _, Byte _, java.math.BigInteger _ -> "int";
            case Number _ -> "float";
            case ForLoop _ -> "LoopContext";
            default -> "object";
        };
    }

    private Object stringMethod(String text, String method, Object[] args) {
        return switch (method) {
            case "split" -> args.length > 2 ? NOT_HANDLED
                    : split(text, chars(args), args.length > 1 ? ((Number) args[1]).intValue() : -1);
            case "startswith" -> args.length == 1 ? anyAffix(args[0], text::startsWith) : NOT_HANDLED;
            case "endswith" -> args.length == 1 ? anyAffix(args[0], text::endsWith) : NOT_HANDLED;
            case "strip" -> args.length <= 1 ? rstrip(lstrip(text, chars(args)), chars(args)) : NOT_HANDLED;
            case "lstrip" -> args.length <= 1 ? lstrip(text, chars(args)) : NOT_HANDLED;
            case "rstrip" -> args.length <= 1 ? rstrip(text, chars(args)) : NOT_HANDLED;
            case "lower" -> args.length == 0 ? text.toLowerCase(Locale.ROOT) : NOT_HANDLED;
            case "upper" -> args.length == 0 ? text.toUpperCase(Locale.ROOT) : NOT_HANDLED;
            case "title" -> args.length == 0 ? title(text) : NOT_HANDLED;
            case "capitalize" -> args.length == 0 ? capitalize(text) : NOT_HANDLED;
            case "replace" -> args.length == 2 || args.length == 3
                    ? replace(text, String.valueOf(args[0]), String.valueOf(args[1]),
                            args.length == 3 ? ((Number) args[2]).intValue() : -1)
                    : NOT_HANDLED;
            case "find" -> args.length == 1 ? (long) text.indexOf(String.valueOf(args[0])) : NOT_HANDLED;
            case "count" -> args.length == 1 ? count(text, String.valueOf(args[0])) : NOT_HANDLED;
            case "join" -> args.length == 1 && args[0] instanceof Iterable<?> items ? join(text, items) : NOT_HANDLED;
            default -> NOT_HANDLED;
        };
    }

    private static Object dictMethod(Map<?, ?> map, String method, Object[] args) {
        return switch (method) {
            case "get" -> args.length == 1 || args.length == 2
                    ? map.containsKey(args[0]) ? map.get(args[0]) : args.length == 2 ? args[1] : null
                    : NOT_HANDLED;
            // Pairs as two-element lists, which Jinjava unpacks in `for k, v in d.items()` and indexes in `item[0]`.
            case "items" -> args.length == 0
                    ? map.entrySet().stream().map(e -> Arrays.asList(e.getKey(), e.getValue())).toList()
                    : NOT_HANDLED;
            case "keys" -> args.length == 0 ? new ArrayList<>(map.keySet()) : NOT_HANDLED;
            case "values" -> args.length == 0 ? new ArrayList<>(map.values()) : NOT_HANDLED;
            default -> NOT_HANDLED;
        };
    }

    private static Object listMethod(List<?> list, String method, Object[] args) {
        return switch (method) {
            case "index" -> {
                if (args.length != 1) {
                    yield NOT_HANDLED;
                }
                int at = list.indexOf(args[0]);
                if (at < 0) {
                    throw new TemplateSandboxException(args[0] + " is not in list");
                }
                yield (long) at;
            }
            case "count" -> args.length == 1 ? list.stream().filter(item -> Objects.equals(item, args[0])).count()
                    : NOT_HANDLED;
            default -> NOT_HANDLED;
        };
    }

    /** Python's {@code str.title}: each run of letters starts upper case and goes on lower case. */
    static String title(String text) {
        StringBuilder out = new StringBuilder(text.length());
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(inWord ? Character.toLowerCase(c) : Character.toTitleCase(c));
            inWord = Character.isLetter(c);
        }
        return out.toString();
    }

    static String capitalize(String text) {
        return text.isEmpty() ? text
                : Character.toTitleCase(text.charAt(0)) + text.substring(1).toLowerCase(Locale.ROOT);
    }

    /** Python's {@code str.replace}, refused before it builds a string longer than a render may output. */
    private String replace(String text, String old, String replacement, int maxCount) {
        long occurrences = old.isEmpty() ? text.length() + 1L : count(text, old);
        long replaced = maxCount < 0 ? occurrences : Math.min(occurrences, maxCount);
        checkLength(text.length() + replaced * (replacement.length() - old.length()));
        if (old.isEmpty()) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i <= text.length(); i++) {
                if (i < replaced) {
                    out.append(replacement);
                }
                if (i < text.length()) {
                    out.append(text.charAt(i));
                }
            }
            return out.toString();
        }
        StringBuilder out = new StringBuilder();
        int start = 0;
        for (long n = 0; n < replaced; n++) {
            int at = text.indexOf(old, start);
            out.append(text, start, at).append(replacement);
            start = at + old.length();
        }
        return out.append(text, start, text.length()).toString();
    }

    private static long count(String text, String part) {
        if (part.isEmpty()) {
            return text.length() + 1L;
        }
        long n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            n++;
        }
        return n;
    }

    private String join(String separator, Iterable<?> items) {
        StringBuilder out = new StringBuilder();
        boolean first = true;
        for (Object item : items) {
            if (!first) {
                out.append(separator);
            }
            out.append(item);
            first = false;
            checkLength(out.length());
        }
        return out.toString();
    }

    private void checkLength(long length) {
        if (length > maxStringLength) {
            throw new TemplateSandboxException("the template built a string longer than " + maxStringLength
                    + " characters");
        }
    }

    /** Python's {@code str.split}: on a literal separator, or on runs of whitespace when it is None. */
    static List<String> split(String text, String separator, int maxSplit) {
        if (separator == null) {
            return splitOnWhitespace(text, maxSplit);
        }
        if (separator.isEmpty()) {
            throw new IllegalArgumentException("empty separator");
        }
        List<String> parts = new ArrayList<>();
        int start = 0;
        int at;
        while ((maxSplit < 0 || parts.size() < maxSplit) && (at = text.indexOf(separator, start)) >= 0) {
            parts.add(text.substring(start, at));
            start = at + separator.length();
        }
        parts.add(text.substring(start));
        return parts;
    }

    private static List<String> splitOnWhitespace(String text, int maxSplit) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        while (true) {
            while (i < text.length() && isSpace(text.charAt(i))) {
                i++;
            }
            if (i == text.length()) {
                return parts;
            }
            if (parts.size() == maxSplit) {
                parts.add(text.substring(i));
                return parts;
            }
            int start = i;
            while (i < text.length() && !isSpace(text.charAt(i))) {
                i++;
            }
            parts.add(text.substring(start, i));
        }
    }

    /** Python's {@code str.lstrip}: whitespace when {@code chars} is null, else any of {@code chars}. */
    static String lstrip(String text, String chars) {
        int start = 0;
        while (start < text.length() && strips(text.charAt(start), chars)) {
            start++;
        }
        return text.substring(start);
    }

    static String rstrip(String text, String chars) {
        int end = text.length();
        while (end > 0 && strips(text.charAt(end - 1), chars)) {
            end--;
        }
        return text.substring(0, end);
    }

    static String strip(String text) {
        return rstrip(lstrip(text, null), null);
    }

    private static boolean strips(char c, String chars) {
        return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
    }

    /** Python's {@code str.isspace} for one character (it counts no-break spaces, Java's isWhitespace does not). */
    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
    }

    /** The first argument as text, or null (Python's None) when there is none. */
    private static String chars(Object[] args) {
        return args.length == 0 || args[0] == null ? null : args[0].toString();
    }

    /** {@code startswith} and {@code endswith} take one affix or a tuple of them. */
    private static boolean anyAffix(Object affixes, Predicate<String> matches) {
        if (affixes instanceof Iterable<?> several) {
            for (Object affix : several) {
                if (matches.test(String.valueOf(affix))) {
                    return true;
                }
            }
            return false;
        }
        return matches.test(String.valueOf(affixes));
    }

    // Nothing is written through this resolver.

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return false;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
