package dev.vela.adapters.hf;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * The Python {@code str} and {@code dict} methods that chat templates call
 * ({@code content.split('</think>')[-1]}, {@code .startswith(...)}, {@code .rstrip('\n')},
 * {@code d.get(key, default)}), with Python's meaning. Without it Jinjava calls Java's methods of
 * the same name where they exist, and Java's {@code split} takes a regular expression and drops
 * trailing empty strings: {@code 'x</think>'.split('</think>')[-1]} would give {@code x}, not
 * {@code ''}. Any other method is left to Jinjava.
 */
final class PythonMethods extends ELResolver {

    private static final Object NOT_HANDLED = new Object();

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        Object[] args = params == null ? new Object[0] : params;
        Object result = switch (base) {
            case String text -> stringMethod(text, String.valueOf(method), args);
            case Map<?, ?> map -> dictMethod(map, String.valueOf(method), args);
            case null, default -> NOT_HANDLED;
        };
        if (result == NOT_HANDLED) {
            return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    private static Object stringMethod(String text, String method, Object[] args) {
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
            default -> NOT_HANDLED;
        };
    }

    private static Object dictMethod(Map<?, ?> map, String method, Object[] args) {
        if (method.equals("get") && args.length == 2) {
            return map.containsKey(args[0]) ? map.get(args[0]) : args[1];
        }
        return NOT_HANDLED;
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

    // This resolver only calls methods; properties are left to Jinjava's resolvers.

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

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
