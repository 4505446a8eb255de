package dev.vela.domain.tools;

import java.util.List;
import java.util.function.Supplier;

/**
 * One call written as a JSON object {@code {"name": "f", KEY: {...}}}, read as a {@link JsonRewriter}
 * reads it: the call starts once its name is read whole, and its arguments (the value of
 * {@code KEY}, written as {@code json.dumps} writes it) follow as they come; arguments read before
 * the name wait for it.
 */
final class CallObject implements StreamedCall {

    private final JsonRewriter rewriter;
    private final int level;
    private final String argumentsKey;
    private final int index;
    private final Supplier<String> ids;
    private final StringBuilder held = new StringBuilder();
    private String name;
    /** Where what this call's own rewriter reads goes (see {@link #block}). */
    private List<ToolCallPiece> out = List.of();

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

    /** A call that is the whole of its block ({@code hermes}), read by its own rewriter. */
    private CallObject(String argumentsKey, int index, Supplier<String> ids) {
        this.rewriter = new JsonRewriter(new JsonRewriter.Listener() {
            @Override
            public void written(String text) {
                CallObject.this.written(text, out);
            }

            @Override
            public void stringRead(String value) {
                CallObject.this.stringRead(value, out);
            }
        });
        this.level = 1;
        this.argumentsKey = argumentsKey;
        this.index = index;
        this.ids = ids;
    }

    /**
     * A call written as one JSON object that is the whole of its block.
     *
     * @param argumentsKey the member holding the arguments
     */
    static CallObject block(String argumentsKey, int index, Supplier<String> ids) {
        return new CallObject(argumentsKey, index, ids);
    }

    @Override
    public boolean accept(char c, List<ToolCallPiece> pieces) {
        out = pieces;
        return rewriter.accept(c);
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public boolean started() {
        return name != null;
    }

    @Override
    public boolean done() {
        return rewriter.done();
    }

    @Override
    public boolean failed() {
        return rewriter.failed();
    }

    @Override
    public void end(List<ToolCallPiece> pieces) {
        out = pieces;
        rewriter.end();
    }

    /** Takes rewritten text; what it adds to the stream goes to {@code pieces}. */
    void written(String text, List<ToolCallPiece> pieces) {
        if (!rewriter.inValue(level) || !argumentsKey.equals(rewriter.key(level))) {
            return;
        }
        if (name == null) {
            held.append(text);
        } else {
            addArguments(index, text, pieces);
        }
    }

    /** Takes a string value the rewriter read; the call's name starts it. */
    void stringRead(String value, List<ToolCallPiece> pieces) {
        if (name == null && !value.isEmpty() && rewriter.level() == level && "name".equals(rewriter.key(level))) {
            name = value;
            pieces.add(new ToolCallPiece.CallStart(index, ids.get(), name));
            if (!held.isEmpty()) {
                addArguments(index, held.toString(), pieces);
                held.setLength(0);
            }
        }
    }

    /** More arguments of call {@code index}, joined to the piece before when that one is its arguments too. */
    static void addArguments(int index, String text, List<ToolCallPiece> pieces) {
        int last = pieces.size() - 1;
        if (last >= 0 && pieces.get(last) instanceof ToolCallPiece.Arguments a && a.index() == index) {
            pieces.set(last, new ToolCallPiece.Arguments(index, a.text() + text));
        } else {
            pieces.add(new ToolCallPiece.Arguments(index, text));
        }
    }
}
