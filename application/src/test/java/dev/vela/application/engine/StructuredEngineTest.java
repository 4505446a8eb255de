package dev.vela.application.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.Generation.PromptTokens;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.domain.generation.FinishReason;
import dev.vela.domain.sampling.SamplingParams;
import dev.vela.domain.structured.OutputConstraint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The engine's side of structured outputs, with a scripted runner whose favourite token the
 * grammar mostly forbids: greedy sampling then takes the lowest allowed byte, so the answers are known.
 */
class StructuredEngineTest {

    private Engine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private Engine engine(ScriptedRunner runner, EngineConfig config) {
        engine = new Engine(runner, new ByteTokenizer(), config, List.of());
        return engine;
    }

    private static SamplingParams greedy(OutputConstraint constraint, int maxTokens) {
        return SamplingParams.builder().temperature(0.0).maxTokens(maxTokens).structuredOutput(constraint).build();
    }

    private Generation submit(String prompt, SamplingParams params) {
        return engine.submit(List.of(new Engine.PromptRequest(new PromptTokens(prompt, ByteTokenizer.ids(prompt)), params)),
                params.n(), new int[] {ByteTokenizer.EOS}, false);
    }

    /** The text of choice 0 and its end. */
    private record Answer(String text, GenerationEvent last) {
    }

    private static Answer drain(Generation generation) throws InterruptedException {
        StringBuilder text = new StringBuilder();
        GenerationEvent event;
        GenerationEvent last = null;
        while ((event = generation.poll(10, TimeUnit.SECONDS)) != null) {
            if (event instanceof GenerationEvent.Delta d) {
                text.append(d.text());
            } else {
                last = event;
            }
        }
        return new Answer(text.toString(), last);
    }

    @Test
    void endOfSequenceWaitsUntilTheGrammarMayEnd() throws InterruptedException {
        engine(ScriptedRunner.spelling(""), EngineConfig.of(256, 4, 64));          // the runner wants EOS at once
        Answer answer = drain(submit("x", greedy(new OutputConstraint.Regex("[a-c]{2}x?", "regex"), 10)));

        assertEquals("aa", answer.text());
        assertEquals(FinishReason.STOP, assertInstanceOf(GenerationEvent.Finished.class, answer.last()).reason());
    }

    @Test
    void aGrammarThatNothingCanExtendStopsWithoutWaitingForEndOfSequence() throws InterruptedException {
        engine(ScriptedRunner.spelling("zzzzzzzz"), EngineConfig.of(256, 4, 64));
        Answer answer = drain(submit("z", greedy(new OutputConstraint.Choice(List.of("yes", "no"), "choice"), 10)));

        GenerationEvent.Finished finished = assertInstanceOf(GenerationEvent.Finished.class, answer.last());
        assertEquals("no", answer.text());
        assertEquals(FinishReason.STOP, finished.reason());
        assertEquals(2, finished.completionTokens(), "no EOS token was needed");
    }

    @Test
    void maxTokensFirstEndsWithLengthAndAValidPrefix() throws InterruptedException {
        engine(ScriptedRunner.spelling("zzzzzzzz"), EngineConfig.of(256, 4, 64));
        Answer answer = drain(submit("z", greedy(new OutputConstraint.Regex("hello world", "regex"), 5)));

        assertEquals("hello", answer.text());
        assertEquals(FinishReason.LENGTH, assertInstanceOf(GenerationEvent.Finished.class, answer.last()).reason());
    }

    @Test
    void aPreemptedSequenceKeepsItsPlaceInTheGrammar() throws InterruptedException {
        ScriptedRunner scripted = ScriptedRunner.spelling("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        scripted.kvBlocks = 8;                            // 32 positions for 4 sequences that want 20 each
        engine(scripted, new EngineConfig(32, 4, 64, 4, 0, true));
        List<Generation> generations = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            generations.add(submit("abcd", greedy(new OutputConstraint.Regex("(ab|cd){8}", "regex"), 16)));
        }
        for (Generation generation : generations) {
            Answer answer = drain(generation);
            assertEquals("ab".repeat(8), answer.text(), "after 'a' only 'b' may come, recomputed or not");
            assertEquals(FinishReason.STOP, assertInstanceOf(GenerationEvent.Finished.class, answer.last()).reason());
        }
    }

    @Test
    void aStopStringStillEndsAConstrainedAnswer() throws InterruptedException {
        engine(ScriptedRunner.spelling("zzzzzzzz"), EngineConfig.of(256, 4, 64));
        SamplingParams params = SamplingParams.builder().temperature(0.0).maxTokens(20).stop(List.of("lo"))
                .structuredOutput(new OutputConstraint.Regex("hello world", "regex")).build();
        Answer answer = drain(submit("z", params));

        assertEquals("hel", answer.text());
        GenerationEvent.Finished finished = assertInstanceOf(GenerationEvent.Finished.class, answer.last());
        assertEquals("lo", finished.stopReason());
    }

    @Test
    void aConstraintThatCannotBeCompiledIsRefusedAtSubmission() {
        engine(ScriptedRunner.spelling("z"), EngineConfig.of(256, 4, 64));
        dev.vela.domain.error.InvalidRequestException refused = org.junit.jupiter.api.Assertions.assertThrows(
                dev.vela.domain.error.InvalidRequestException.class,
                () -> submit("z", greedy(new OutputConstraint.Grammar("root ::= \"a\" missing", "structured_outputs.grammar"), 4)));
        assertEquals("structured_outputs.grammar", refused.param());
        assertTrue(refused.getMessage().contains("undefined rule missing"), refused.getMessage());
    }
}
