package dev.vela.domain.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The answer to {@code tool_choice: "required"}: constrained to a JSON array of
 * {@code {"name": ..., "parameters": {...}}} objects, each item is a call. A call starts as soon as
 * its name is read, and its parameters stream as they come, written as Python's {@code json.dumps}
 * writes them (vLLM's rule for the whole answer). Text that starts no call (an answer cut off by
 * {@code max_tokens} between items) is content; a call cut off keeps what was sent of it.
 */
public final class RequiredToolCalls implements ToolCallReader {

    private static final int ITEM_LEVEL = 2;

    private final Supplier<String> ids;
    private final StringBuilder pending = new StringBuilder();
    private final JsonRewriter rewriter = new JsonRewriter(new JsonRewriter.Listener() {
        @Override
        public void written(String text) {
            if (item != null) {
                item.written(text, pieces);
            }
        }

        @Override
        public void stringRead(String value) {
            if (item != null) {
                item.stringRead(value, pieces);
            }
        }
    });
    private List<ToolCallPiece> pieces;
    private CallObject item;
    private int calls;
    private boolean broken;
    /** Where the text after the last call begins. */
    private int lastItemEnd;

    public RequiredToolCalls(Supplier<String> ids) {
        this.ids = ids;
    }

    @Override
    public List<ToolCallPiece> next(String text) {
        pieces = new ArrayList<>();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            pending.append(c);
            if (broken) {
                continue;
            }
            int before = rewriter.level();
            if (!rewriter.accept(c)) {
                broken = true;
                if (item != null && item.started()) {
                    // a started call keeps what was sent; the text from where it went wrong is content
                    lastItemEnd = pending.length() - 1;
                }
                item = null;
            } else if (before == ITEM_LEVEL - 1 && rewriter.level() == ITEM_LEVEL) {
                item = new CallObject(rewriter, ITEM_LEVEL, "parameters", calls, ids);
            } else if (before == ITEM_LEVEL && rewriter.level() == ITEM_LEVEL - 1) {
                if (item.started()) {
                    lastItemEnd = pending.length();
                } else {
                    broken = true;
                }
                item = null;
            }
            if (item != null && item.started() && item.index() == calls) {
                calls++;
            }
        }
        return pieces;
    }

    @Override
    public List<ToolCallPiece> finish() {
        pieces = new ArrayList<>(1);
        if (!broken) {
            rewriter.end();
        }
        boolean callCut = item != null && item.started();
        if (!callCut && (calls == 0 || broken || rewriter.level() != 0)) {
            String text = calls == 0 ? pending.toString() : pending.substring(lastItemEnd);
            if (!text.isBlank()) {
                pieces.add(new ToolCallPiece.Content(text));
            }
        }
        return pieces;
    }
}
