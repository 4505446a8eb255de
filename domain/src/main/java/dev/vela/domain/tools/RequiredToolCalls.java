package dev.vela.domain.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The answer to {@code tool_choice: "required"}: constrained to a JSON array of
 * {@code {"name": ..., "parameters": {...}}} objects, each item is a call, sent as soon as it is
 * whole, with its parameters written as Python's {@code json.dumps} writes them (vLLM's rule).
 * Text that does not make an item (an answer cut off by {@code max_tokens}) is content.
 */
public final class RequiredToolCalls implements ToolCallReader {

    private final Supplier<String> ids;
    private final StringBuilder pending = new StringBuilder();
    /** Where the scan of the pending text stopped, and its state there. */
    private int scanned;
    private int depth;
    private boolean inString;
    private boolean escaped;
    private int itemStart = -1;
    private int calls;
    private int lastItemEnd;
    private boolean failed;

    public RequiredToolCalls(Supplier<String> ids) {
        this.ids = ids;
    }

    @Override
    public List<ToolCallPiece> next(String text) {
        pending.append(text);
        List<ToolCallPiece> pieces = new ArrayList<>();
        while (!failed && scanned < pending.length()) {
            char c = pending.charAt(scanned++);
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (depth == 1 && c == '{') {
                    itemStart = scanned - 1;
                }
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 1 && itemStart >= 0) {
                    item(pending.substring(itemStart, scanned), pieces);
                    itemStart = -1;
                }
            }
        }
        return pieces;
    }

    @Override
    public List<ToolCallPiece> finish() {
        List<ToolCallPiece> pieces = new ArrayList<>(1);
        if (calls == 0 || failed || depth != 0) {
            String text = calls == 0 ? pending.toString() : rest();
            if (!text.isBlank()) {
                pieces.add(new ToolCallPiece.Content(text));
            }
        }
        return pieces;
    }

    private void item(String text, List<ToolCallPiece> pieces) {
        Object parsed;
        try {
            parsed = JsonText.parse(text);
        } catch (IllegalArgumentException e) {
            failed = true;
            return;
        }
        if (!(parsed instanceof Map<?, ?> call) || !(call.get("name") instanceof String name)) {
            failed = true;
            return;
        }
        int index = calls++;
        pieces.add(new ToolCallPiece.CallStart(index, ids.get(), name));
        pieces.add(new ToolCallPiece.Arguments(index, JsonText.pythonDumps(call.get("parameters"))));
        lastItemEnd = scanned;
    }

    /** The text after the last whole item. */
    private String rest() {
        return pending.substring(lastItemEnd);
    }
}
