package dev.vela.domain.tools;

import java.util.List;
import java.util.function.Supplier;

/**
 * One call written as a JSON object {@code {"name": "f", KEY: {...}}}, read as a {@link JsonRewriter}
 * reads it: the call starts once its name is read whole, and its arguments (the value of
 * {@code KEY}, written as {@code json.dumps} writes it) follow as they come; arguments read before
 * the name wait for it.
 */
final class CallObject {

    private final JsonRewriter rewriter;
    private final int level;
    private final String argumentsKey;
    private final int index;
    private final Supplier<String> ids;
    private final StringBuilder held = new StringBuilder();
    private String name;

    /**
     * @param level the rewriter's level inside the call object
     * @param index the call's index among the answer's calls
     */
    CallObject(JsonRewriter rewriter, int level, String argumentsKey, int index, Supplier<String> ids) {
        this.rewriter = rewriter;
        this.level = level;
        this.argumentsKey = argumentsKey;
        this.index = index;
        this.ids = ids;
    }

    int index() {
        return index;
    }

    /** Whether the call has started (its name was read). */
    boolean started() {
        return name != null;
    }

    /** Takes rewritten text; what it adds to the stream goes to {@code pieces}. */
    void written(String text, List<ToolCallPiece> pieces) {
        if (!rewriter.inValue(level) || !argumentsKey.equals(rewriter.key(level))) {
            return;
        }
        if (name == null) {
            held.append(text);
        } else {
            add(text, pieces);
        }
    }

    /** Takes a string value the rewriter read; the call's name starts it. */
    void stringRead(String value, List<ToolCallPiece> pieces) {
        if (name == null && !value.isEmpty() && rewriter.level() == level && "name".equals(rewriter.key(level))) {
            name = value;
            pieces.add(new ToolCallPiece.CallStart(index, ids.get(), name));
            if (!held.isEmpty()) {
                add(held.toString(), pieces);
                held.setLength(0);
            }
        }
    }

    /** More arguments, joined to the piece before when that one is this call's arguments too. */
    private void add(String text, List<ToolCallPiece> pieces) {
        int last = pieces.size() - 1;
        if (last >= 0 && pieces.get(last) instanceof ToolCallPiece.Arguments a && a.index() == index) {
            pieces.set(last, new ToolCallPiece.Arguments(index, a.text() + text));
        } else {
            pieces.add(new ToolCallPiece.Arguments(index, text));
        }
    }
}
