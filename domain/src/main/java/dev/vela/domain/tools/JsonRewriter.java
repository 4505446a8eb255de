package dev.vela.domain.tools;

import java.math.BigDecimal;
import java.util.regex.Pattern;

/**
 * Reads JSON text one character at a time and writes it back, as soon as each part is certain, the
 * way {@link JsonText#pythonDumps} writes the parsed value, so that a call's arguments can stream
 * as vLLM's {@code json.dumps} string. It stops at the first character that leaves no valid JSON
 * prefix. A member name that repeats is written again where Python would keep one.
 */
final class JsonRewriter {

    /** Where the rewritten text goes; it may ask the rewriter where the text was read. */
    interface Listener {

        /** Rewritten text of what was just read. */
        void written(String text);

        /** A string value (not a member name) was read whole. */
        default void stringRead(String value) {
        }
    }

    private enum State { VALUE, FIRST_KEY_OR_END, KEY, COLON, FIRST_VALUE_OR_END, AFTER_VALUE, STRING, ESCAPE, UNICODE,
        NUMBER, LITERAL, DONE, FAILED }

    private static final int MAX_DEPTH = 512;
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?");

    private final Listener listener;
    /** The open containers: '{' or '['. */
    private final char[] containers = new char[MAX_DEPTH + 2];
    /** Per open object, the name of the member being read and whether its value has begun. */
    private final String[] keys = new String[MAX_DEPTH + 2];
    private final boolean[] valueOpen = new boolean[MAX_DEPTH + 2];
    private int level;
    private State state = State.VALUE;
    private boolean readingKey;
    private final StringBuilder token = new StringBuilder();

    JsonRewriter(Listener listener) {
        this.listener = listener;
    }

    /** How many containers are open. */
    int level() {
        return level;
    }

    /** The name of the member being read in the object at {@code level}, or null. */
    String key(int at) {
        return at >= 1 && at <= level && containers[at] == '{' ? keys[at] : null;
    }

    /** Whether the object at {@code level} is between a member's colon and the end of its value. */
    boolean inValue(int at) {
        return at >= 1 && at <= level && valueOpen[at];
    }

    boolean failed() {
        return state == State.FAILED;
    }

    /** Whether a whole value has been read (a number at the top only once {@link #end()} is called). */
    boolean done() {
        return state == State.DONE;
    }

    /** Ends the text: a number being read ends here. */
    void end() {
        if (state == State.NUMBER) {
            endNumber();
        }
    }

    /** Reads one character; false when the text so far is not the start of a JSON value. */
    boolean accept(char c) {
        switch (state) {
            case FAILED -> {
                return false;
            }
            case STRING -> string(c);
            case ESCAPE -> escape(c);
            case UNICODE -> unicode(c);
            case NUMBER -> {
                if ("0123456789+-.eE".indexOf(c) >= 0 && prefix(token.toString() + c)) {
                    token.append(c);
                } else if (endNumber()) {
                    return accept(c);
                }
            }
            case LITERAL -> literal(c);
            default -> structure(c);
        }
        return state != State.FAILED;
    }

    private void structure(char c) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            return;
        }
        switch (state) {
            case VALUE -> value(c);
            case FIRST_VALUE_OR_END -> {
                if (c == ']') {
                    close(c);
                } else {
                    value(c);
                }
            }
            case FIRST_KEY_OR_END, KEY -> {
                if (c == '}' && state == State.FIRST_KEY_OR_END) {
                    close(c);
                } else if (c == '"') {
                    readingKey = true;
                    token.setLength(0);
                    state = State.STRING;
                } else {
                    state = State.FAILED;
                }
            }
            case COLON -> {
                if (c == ':') {
                    listener.written(": ");
                    valueOpen[level] = true;
                    state = State.VALUE;
                } else {
                    state = State.FAILED;
                }
            }
            case AFTER_VALUE -> {
                if (c == ',') {
                    valueOpen[level] = false;
                    state = containers[level] == '{' ? State.KEY : State.VALUE;
                    listener.written(", ");
                } else if (c == (containers[level] == '{' ? '}' : ']')) {
                    close(c);
                } else {
                    state = State.FAILED;
                }
            }
            case DONE -> state = State.FAILED;
            default -> throw new IllegalStateException(state.name());
        }
    }

    private void value(char c) {
        switch (c) {
            case '{', '[' -> {
                if (level == MAX_DEPTH) {
                    state = State.FAILED;
                    return;
                }
                listener.written(String.valueOf(c));
                level++;
                containers[level] = c;
                keys[level] = null;
                valueOpen[level] = false;
                state = c == '{' ? State.FIRST_KEY_OR_END : State.FIRST_VALUE_OR_END;
            }
            case '"' -> {
                readingKey = false;
                token.setLength(0);
                listener.written("\"");
                state = State.STRING;
            }
            case 't', 'f', 'n' -> {
                token.setLength(0);
                token.append(c);
                state = State.LITERAL;
            }
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    token.setLength(0);
                    token.append(c);
                    state = State.NUMBER;
                } else {
                    state = State.FAILED;
                }
            }
        }
    }

    private void close(char c) {
        valueOpen[level] = false;
        listener.written(String.valueOf(c));
        level--;
        valueEnded();
    }

    private void valueEnded() {
        state = level == 0 ? State.DONE : State.AFTER_VALUE;
    }

    private void string(char c) {
        if (c == '"') {
            if (readingKey) {
                keys[level] = token.toString();
                listener.written(JsonText.pythonDumps(keys[level]));
                state = State.COLON;
            } else {
                listener.written("\"");
                listener.stringRead(token.toString());
                valueEnded();
            }
        } else if (c == '\\') {
            state = State.ESCAPE;
        } else if (c < 0x20) {
            state = State.FAILED;
        } else {
            character(c);
        }
    }

    private void escape(char c) {
        state = State.STRING;
        switch (c) {
            case '"', '\\', '/' -> character(c);
            case 'b' -> character('\b');
            case 'f' -> character('\f');
            case 'n' -> character('\n');
            case 'r' -> character('\r');
            case 't' -> character('\t');
            case 'u' -> state = State.UNICODE;
            default -> state = State.FAILED;
        }
    }

    private final StringBuilder hex = new StringBuilder(4);

    private void unicode(char c) {
        if (Character.digit(c, 16) < 0) {
            state = State.FAILED;
            return;
        }
        hex.append(c);
        if (hex.length() == 4) {
            char decoded = (char) Integer.parseInt(hex.toString(), 16);
            hex.setLength(0);
            state = State.STRING;
            character(decoded);
        }
    }

    /** One character of a string: kept whole for a member name, written at once for a value. */
    private void character(char c) {
        token.append(c);
        if (!readingKey) {
            String quoted = JsonText.pythonDumps(String.valueOf(c));
            listener.written(quoted.substring(1, quoted.length() - 1));
        }
    }

    private void literal(char c) {
        token.append(c);
        String word = token.toString();
        String whole = switch (word.charAt(0)) {
            case 't' -> "true";
            case 'f' -> "false";
            default -> "null";
        };
        if (!whole.startsWith(word)) {
            state = State.FAILED;
        } else if (whole.equals(word)) {
            listener.written(whole);
            valueEnded();
        }
    }

    private boolean endNumber() {
        String text = token.toString();
        if (!NUMBER.matcher(text).matches()) {
            state = State.FAILED;
            return false;
        }
        listener.written(JsonText.pythonDumps(new BigDecimal(text)));
        valueEnded();
        return true;
    }

    private static boolean prefix(String text) {
        var matcher = NUMBER.matcher(text);
        return matcher.matches() || matcher.hitEnd();
    }
}
