package dev.vela.adapters.hf;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Jinjava filter whose numeric arguments size what it builds ({@code center(width)},
 * {@code indent(width)}, {@code batch(size, fill)}, {@code slice(n, fill)}, the widths in a
 * {@code format} string), refused when one is larger than a render may build, before the filter
 * allocates it: {@code 'x'|center(2000000000)} would otherwise fill the heap in one call.
 */
final class WidthBoundedFilter implements Filter {

    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private final Filter filter;
    private final long maxWidth;

    WidthBoundedFilter(Filter filter, long maxWidth) {
        this.filter = filter;
        this.maxWidth = maxWidth;
    }

    @Override
    public String getName() {
        return filter.getName();
    }

    @Override
    public Object filter(Object value, JinjavaInterpreter interpreter, String... args) {
        check(value, args);
        return filter.filter(value, interpreter, args);
    }

    @Override
    public Object filter(Object value, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        check(value, args);
        check(null, kwargs.values().toArray());
        return filter.filter(value, interpreter, args, kwargs);
    }

    private void check(Object value, Object[] args) {
        if (getName().equals("format") && value != null) {
            checkDigits(value.toString());
        }
        for (Object arg : args) {
            if (arg instanceof Number || arg instanceof String) {
                checkDigits(arg.toString());
            }
        }
    }

    private void checkDigits(String text) {
        Matcher numbers = NUMBER.matcher(text);
        while (numbers.find()) {
            String digits = numbers.group();
            if (digits.length() > 18 || Long.parseLong(digits) > maxWidth) {
                throw new TemplateSandboxException("the " + getName() + " filter may not be given a width over "
                        + maxWidth + " (got " + (digits.length() > 18 ? digits.substring(0, 18) + "..." : digits) + ")");
            }
        }
    }
}
