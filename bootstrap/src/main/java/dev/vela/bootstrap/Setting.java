package dev.vela.bootstrap;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * One of Vela's settings as {@link SettingsTable} declares it: everything the command line, the
 * config defaults, {@link VelaSettings} and the docs need to know about it.
 *
 * @param key          its MicroProfile Config key
 * @param flags        its flag, then the flag's aliases; empty for a key with no flag
 * @param negatable    whether {@code --no-flag} turns it off
 * @param label        what {@code --help} calls its value ({@code --flag=LABEL}); null for a switch
 * @param help         what it does, in {@code --help} and in the docs' table
 * @param defaultValue its value when none is given; null when an absent value has a meaning of its own
 * @param defaultHelp  what {@code --help} says after "Default:", with {@code ${DEFAULT-VALUE}} for the
 *                     value; null for no such sentence
 * @param fallbackKey  read when {@link #key} is not set: the environment variable vLLM reads for it;
 *                     null for none
 * @param type         how its text becomes a value, and what a bad value is told to be
 */
record Setting<T>(String key, List<String> flags, boolean negatable, String label, String help, String defaultValue,
                  String defaultHelp, String fallbackKey, Type<T> type) {

    /** What {@code --help} and the docs show where the value of a setting with a default goes. */
    static final String DEFAULT_VALUE = "${DEFAULT-VALUE}";

    /**
     * How text becomes a setting's value.
     *
     * @param commandLineType the type the command line parses the flag's value as, so that it names a
     *                        wrong type as vLLM's parser does
     * @param choices         the only values allowed (matched ignoring case), or empty
     * @param expected        what a bad value is told it must be
     * @param parse           the value, or null (or an exception) when the text is not one
     */
    record Type<T>(Class<?> commandLineType, List<String> choices, String expected, Function<String, T> parse) {

        static Type<String> text() {
            return new Type<>(String.class, List.of(), "text", text -> text);
        }

        static Type<Boolean> bool() {
            return new Type<>(boolean.class, List.of(), "true or false", text -> switch (text.toLowerCase(Locale.ROOT)) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> null;
            });
        }

        static Type<Integer> positive(String expected) {
            return new Type<>(Integer.class, List.of(), expected, text -> {
                int value = Integer.parseInt(text);
                return value > 0 ? value : null;
            });
        }

        static Type<Integer> nonNegative(String expected) {
            return new Type<>(Integer.class, List.of(), expected, text -> {
                int value = Integer.parseInt(text);
                return value >= 0 ? value : null;
            });
        }

        static Type<Double> fraction() {
            return new Type<>(Double.class, List.of(), "a fraction in (0, 1]", text -> {
                double value = Double.parseDouble(text);
                return value > 0 && value <= 1 ? value : null;
            });
        }

        /** Bytes, or a size with a unit ({@link ByteSize}). */
        static Type<Long> size(String expected) {
            return new Type<>(String.class, List.of(), expected, ByteSize::parse);
        }

        static Type<Long> positiveSize(String expected) {
            return new Type<>(String.class, List.of(), expected,
                    text -> Optional.ofNullable(ByteSize.parse(text)).filter(n -> n > 0).orElse(null));
        }

        /** One of {@code choices}, given in any case, read in lower case. */
        static Type<String> oneOf(String... choices) {
            List<String> allowed = List.of(choices);
            return new Type<>(String.class, allowed, "one of " + String.join(", ", allowed), text -> {
                String lower = text.toLowerCase(Locale.ROOT);
                return allowed.contains(lower) ? lower : null;
            });
        }
    }

    /** A setting with a flag that takes a value, its label the choices where there are some. */
    static <T> Setting<T> option(String flag, String key, Type<T> type) {
        String label = type.choices().isEmpty() ? null : String.join("|", type.choices());
        return new Setting<>(key, List.of(flag), false, label, "", null, null, null, type);
    }

    /** A flag that takes no value and turns something on. */
    static Setting<Boolean> toggle(String flag, String key) {
        return new Setting<>(key, List.of(flag), false, null, "", "false", null, null, Type.bool());
    }

    /** A setting only MicroProfile Config sets. */
    static <T> Setting<T> keyOnly(String key, Type<T> type) {
        return new Setting<>(key, List.of(), false, null, "", null, null, null, type);
    }

    Setting<T> label(String name) {
        return new Setting<>(key, flags, negatable, name, help, defaultValue, defaultHelp, fallbackKey, type);
    }

    Setting<T> alias(String flag) {
        List<String> names = new ArrayList<>(flags);
        names.add(flag);
        return new Setting<>(key, List.copyOf(names), negatable, label, help, defaultValue, defaultHelp, fallbackKey,
                type);
    }

    /** Also {@code --no-flag}, which turns it off. */
    Setting<T> withNegatedForm() {
        return new Setting<>(key, flags, true, label, help, defaultValue, defaultHelp, fallbackKey, type);
    }

    Setting<T> help(String text) {
        return new Setting<>(key, flags, negatable, label, text, defaultValue, defaultHelp, fallbackKey, type);
    }

    /** A default, which {@code --help} states. */
    Setting<T> byDefault(String value) {
        return new Setting<>(key, flags, negatable, label, help, value, DEFAULT_VALUE, fallbackKey, type);
    }

    /** A default, which {@code --help} states with what it means. */
    Setting<T> byDefault(String value, String meaning) {
        return new Setting<>(key, flags, negatable, label, help, value, DEFAULT_VALUE + ", " + meaning, fallbackKey,
                type);
    }

    /** No default: what happens when the setting is not given, as {@code --help} says it. */
    Setting<T> whenAbsent(String meaning) {
        return new Setting<>(key, flags, negatable, label, help, null, meaning, fallbackKey, type);
    }

    Setting<T> fallback(String otherKey) {
        return new Setting<>(key, flags, negatable, label, help, defaultValue, defaultHelp, otherKey, type);
    }

    /** How messages name it: its flag, or its key where it has no flag. */
    String flag() {
        return flags.isEmpty() ? key : flags.getFirst();
    }

    /** The line {@code --help} shows, its default stated. */
    String helpLine() {
        return defaultHelp == null ? help : help + " Default: " + defaultHelp + ".";
    }

    /** Whether the MicroProfile defaults hold its default; not where another key is read in its place. */
    boolean defaultInConfig() {
        return defaultValue != null && fallbackKey == null;
    }

    /** The value of {@code text} given for {@code name} ({@code key} in config); a bad one stops start-up. */
    T parse(String name, String givenKey, String text) {
        T value;
        try {
            value = type.parse().apply(text);
        } catch (RuntimeException e) {
            value = null;
        }
        if (value == null) {
            throw new SettingsException(name + " (" + givenKey + ") must be " + type.expected() + ", got '" + text + "'");
        }
        return value;
    }

    /** The default's value; a setting without one has none. */
    Optional<T> parsedDefault() {
        return Optional.ofNullable(defaultValue).map(text -> parse(flag(), key, text));
    }
}
