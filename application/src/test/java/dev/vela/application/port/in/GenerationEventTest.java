package dev.vela.application.port.in;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vela.domain.generation.FinishReason;
import dev.vela.domain.reasoning.ReasoningSplit;
import java.util.List;
import org.junit.jupiter.api.Test;

class GenerationEventTest {

    private static final ReasoningSplit SPLIT = new ReasoningSplit("why", "what");

    @Test
    void aDeltaForAnotherChoiceKeepsEveryOtherField() {
        int[] ids = {7, 8};
        List<TokenLogprob> logprobs = List.of();
        GenerationEvent.Delta delta = new GenerationEvent.Delta(0, "ab", ids, logprobs, SPLIT);
        assertEquals(new GenerationEvent.Delta(3, "ab", ids, logprobs, SPLIT), delta.withChoice(3));
    }

    @Test
    void anEndForAnotherChoiceKeepsEveryOtherFieldReasoningIncluded() {
        GenerationEvent.Finished finished = new GenerationEvent.Finished(0, FinishReason.STOP, "##", 5, -1.5, SPLIT);
        assertEquals(new GenerationEvent.Finished(2, FinishReason.STOP, "##", 5, -1.5, SPLIT), finished.withChoice(2));
    }

    @Test
    void withReasoningChangesOnlyTheSplit() {
        GenerationEvent.Finished finished = new GenerationEvent.Finished(1, FinishReason.LENGTH, null, 4, -2.0);
        assertEquals(new GenerationEvent.Finished(1, FinishReason.LENGTH, null, 4, -2.0, SPLIT), finished.withReasoning(SPLIT));
    }
}
