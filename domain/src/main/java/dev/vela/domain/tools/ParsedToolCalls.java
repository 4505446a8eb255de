package dev.vela.domain.tools;

import dev.vela.domain.chat.ToolCall;
import java.util.ArrayList;
import java.util.List;

/** An answer with its tool calls found: its content (null when none) and its calls, in order. */
public record ParsedToolCalls(String content, List<ToolCall> calls) {

    public ParsedToolCalls {
        calls = List.copyOf(calls);
    }

    /** A whole answer parsed at once: the same as its stream's pieces joined. */
    public static ParsedToolCalls parse(ToolCallReader reader, String output) {
        List<ToolCallPiece> pieces = new ArrayList<>(reader.next(output));
        pieces.addAll(reader.finish());
        return of(pieces);
    }

    /** Joins streamed pieces into the answer they make. */
    public static ParsedToolCalls of(List<ToolCallPiece> pieces) {
        StringBuilder content = new StringBuilder();
        List<ToolCallPiece.CallStart> starts = new ArrayList<>();
        List<StringBuilder> arguments = new ArrayList<>();
        for (ToolCallPiece piece : pieces) {
            switch (piece) {
                case ToolCallPiece.Content c -> content.append(c.text());
                case ToolCallPiece.CallStart s -> {
                    starts.add(s);
                    arguments.add(new StringBuilder());
                }
                case ToolCallPiece.Arguments a -> arguments.get(a.index()).append(a.text());
            }
        }
        List<ToolCall> calls = new ArrayList<>(starts.size());
        for (int i = 0; i < starts.size(); i++) {
            calls.add(new ToolCall(starts.get(i).id(), "function", starts.get(i).name(), arguments.get(i).toString()));
        }
        return new ParsedToolCalls(content.isEmpty() ? null : content.toString(), calls);
    }
}
