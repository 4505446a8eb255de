package dev.vela.application.service;

import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.domain.reasoning.ReasoningSplit;
import dev.vela.domain.reasoning.StreamingReasoningSplitter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * A chat generation with DeepSeek-R1's reasoning parser ({@code --reasoning-parser deepseek_r1}):
 * every delta also says which part of it is reasoning and which is answer, as a stream shows them,
 * and each choice's end carries the whole output's split, as an answer that is not streamed shows
 * it. With {@code include_reasoning: false} the reasoning is left out.
 */
final class ReasoningGeneration extends RewrittenGeneration {

    private static final ReasoningSplit NOTHING = new ReasoningSplit(null, null);

    private final boolean includeReasoning;
    private final Map<Integer, StreamingReasoningSplitter> splitters = new HashMap<>();
    private final Map<Integer, StringBuilder> outputs = new HashMap<>();

    ReasoningGeneration(Generation generation, boolean includeReasoning) {
        super(generation);
        this.includeReasoning = includeReasoning;
    }

    @Override
    void rewrite(GenerationEvent event, Queue<GenerationEvent> ready) {
        switch (event) {
            case GenerationEvent.Delta d -> {
                outputs.computeIfAbsent(d.choice(), c -> new StringBuilder()).append(d.text());
                ReasoningSplit piece = splitter(d.choice()).next(d.text());
                ready.add(d.withReasoning(shown(piece)));
            }
            case GenerationEvent.Finished f -> {
                ReasoningSplit rest = splitter(f.choice()).finish();
                if (rest != null) {
                    ready.add(new GenerationEvent.Delta(f.choice(), "", new int[0], List.of(), shown(rest)));
                }
                StringBuilder output = outputs.remove(f.choice());   // a finished choice sends nothing more
                ready.add(f.withReasoning(whole(ReasoningSplit.of(output == null ? "" : output.toString()))));
            }
            default -> ready.add(event);
        }
    }

    private StreamingReasoningSplitter splitter(int choice) {
        return splitters.computeIfAbsent(choice, c -> new StreamingReasoningSplitter());
    }

    /**
     * A streamed piece as the client sees it; both parts null when nothing of it is left to send
     * (never null itself: a delta without a split is one from a server without a parser, whose
     * text is all content).
     */
    private ReasoningSplit shown(ReasoningSplit piece) {
        return piece == null ? NOTHING : whole(piece);
    }

    /** A split as the client sees it: without the reasoning when it asked to leave it out. */
    private ReasoningSplit whole(ReasoningSplit split) {
        return includeReasoning ? split : new ReasoningSplit(null, split.content());
    }
}
