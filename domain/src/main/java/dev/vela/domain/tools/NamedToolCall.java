package dev.vela.domain.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The answer to a request that named the tool to call ({@code tool_choice: {"type": "function",
 * ...}}): constrained to that tool's parameters, the whole answer is the call's arguments, streamed
 * as they come, as vLLM does.
 */
public final class NamedToolCall implements ToolCallReader {

    private final String name;
    private final Supplier<String> ids;
    private boolean started;

    public NamedToolCall(String name, Supplier<String> ids) {
        this.name = name;
        this.ids = ids;
    }

    @Override
    public List<ToolCallPiece> next(String text) {
        List<ToolCallPiece> pieces = new ArrayList<>(2);
        start(pieces);
        if (!text.isEmpty()) {
            pieces.add(new ToolCallPiece.Arguments(0, text));
        }
        return pieces;
    }

    @Override
    public List<ToolCallPiece> finish() {
        List<ToolCallPiece> pieces = new ArrayList<>(1);
        start(pieces);
        return pieces;
    }

    private void start(List<ToolCallPiece> pieces) {
        if (!started) {
            started = true;
            pieces.add(new ToolCallPiece.CallStart(0, ids.get(), name));
        }
    }
}
