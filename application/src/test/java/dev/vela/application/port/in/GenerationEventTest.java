package dev.vela.application.port.in;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vela.domain.chat.ToolCall;
import dev.vela.domain.generation.FinishReason;
import dev.vela.domain.reasoning.ReasoningSplit;
import dev.vela.domain.tools.ParsedToolCalls;
import dev.vela.domain.tools.ToolCallPiece;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerationEventTest {

    private static final ParsedToolCalls CALLS = new ParsedToolCalls(null, List.of(new ToolCall("id", "function", "f", "{}")));

    private static final ReasoningSplit SPLIT = new ReasoningSplit("why", "what");

    @Test
    void aDeltaForAnotherChoiceKeepsEveryOtherField() {
        int[] ids = {7, 8};
        List<TokenLogprob> logprobs = List.of();
        GenerationEvent.Delta delta = new GenerationEvent.Delta(0, "ab", ids, logprobs, SPLIT);
        assertEquals(new GenerationEvent.Delta(3, "ab", ids, logprobs, SPLIT), delta.withChoice(3));
    }

    @Test
    void anEndForAnotherChoiceKeepsEveryOtherFieldReasoningAndCallsIncluded() {
        GenerationEvent.Finished finished = new GenerationEvent.Finished(0, FinishReason.STOP, "##", 5, -1.5, SPLIT, CALLS);
        assertEquals(new GenerationEvent.Finished(2, FinishReason.STOP, "##", 5, -1.5, SPLIT, CALLS), finished.withChoice(2));
    }

    @Test
    void withReasoningChangesOnlyTheSplit() {
        GenerationEvent.Finished finished = new GenerationEvent.Finished(1, FinishReason.LENGTH, null, 4, -2.0);
        assertEquals(new GenerationEvent.Finished(1, FinishReason.LENGTH, null, 4, -2.0, SPLIT, null), finished.withReasoning(SPLIT));
    }

    @Test
    void withToolCallsChangesOnlyTheCallsAndTheReason() {
        GenerationEvent.Finished finished = new GenerationEvent.Finished(1, FinishReason.STOP, null, 4, -2.0).withReasoning(SPLIT);
        assertEquals(new GenerationEvent.Finished(1, FinishReason.TOOL_CALLS, null, 4, -2.0, SPLIT, CALLS),
                finished.withToolCalls(CALLS, FinishReason.TOOL_CALLS));
    }

    @Test
    void aDeltaForAnotherChoiceKeepsItsToolCallPieces() {
        GenerationEvent.Delta delta = new GenerationEvent.Delta(0, "x", new int[0], List.of())
                .withToolCalls(List.of(new ToolCallPiece.Content("x")));
        assertEquals(delta.toolCalls(), delta.withChoice(2).toolCalls());
    }
}
