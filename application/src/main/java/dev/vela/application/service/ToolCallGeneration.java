package dev.vela.application.service;

import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.domain.generation.FinishReason;
import dev.vela.domain.tools.ParsedToolCalls;
import dev.vela.domain.tools.ToolCallPiece;
import dev.vela.domain.tools.ToolCallReader;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.Supplier;

/**
 * A chat generation whose answers are read for tool calls: every delta also carries what its
 * content completes (text and calls, as a stream shows them), and each choice's end carries the
 * whole content's calls, as an answer that is not streamed shows them. Only the content is read:
 * with a reasoning parser, calls are looked for after the reasoning has ended.
 */
final class ToolCallGeneration extends RewrittenGeneration {

    private final Supplier<ToolCallReader> readers;
    private final boolean callsEndTheAnswer;
    private final Map<Integer, ToolCallReader> streaming = new HashMap<>();
    private final Map<Integer, StringBuilder> outputs = new HashMap<>();

    /**
     * @param readers           a new reader for each choice, and for each whole answer
     * @param callsEndTheAnswer whether an answer with calls that stopped by itself finishes with
     *                          {@code tool_calls} (vLLM: for parsed and required calls, not for a named tool)
     */
    ToolCallGeneration(Generation generation, Supplier<ToolCallReader> readers, boolean callsEndTheAnswer) {
        super(generation);
        this.readers = readers;
        this.callsEndTheAnswer = callsEndTheAnswer;
    }

    @Override
    void rewrite(GenerationEvent event, Queue<GenerationEvent> ready) {
        switch (event) {
            case GenerationEvent.Delta d -> {
                String content = d.reasoning() != null ? d.reasoning().content() : d.text();
                if (d.reasoning() == null) {
                    outputs.computeIfAbsent(d.choice(), c -> new StringBuilder()).append(d.text());
                }
                ready.add(d.withToolCalls(reader(d.choice()).next(content == null ? "" : content)));
            }
            case GenerationEvent.Finished f -> {
                ToolCallReader reader = streaming.remove(f.choice());
                List<ToolCallPiece> rest = reader == null ? readers.get().finish() : reader.finish();
                if (!rest.isEmpty()) {
                    ready.add(new GenerationEvent.Delta(f.choice(), "", new int[0], List.of(), null, rest));
                }
                StringBuilder output = outputs.remove(f.choice());
                String content = f.reasoning() != null ? f.reasoning().content() : output == null ? "" : output.toString();
                ParsedToolCalls whole = ParsedToolCalls.parse(readers.get(), content == null ? "" : content);
                boolean calledTools = callsEndTheAnswer && f.reason() == FinishReason.STOP && !whole.calls().isEmpty();
                ready.add(f.withToolCalls(whole, calledTools ? FinishReason.TOOL_CALLS : f.reason()));
            }
            default -> ready.add(event);
        }
    }

    private ToolCallReader reader(int choice) {
        return streaming.computeIfAbsent(choice, c -> readers.get());
    }
}
