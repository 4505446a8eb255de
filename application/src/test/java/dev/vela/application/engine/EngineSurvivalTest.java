package dev.vela.application.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.Generation.PromptTokens;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.application.port.out.EngineObserver;
import dev.vela.application.port.out.Tokenizer;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.generation.FinishReason;
import dev.vela.domain.sampling.SamplingParams;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Whatever one request makes throw on the engine thread ends that request only; the engine serves on. */
class EngineSurvivalTest {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz";

    private Engine engine;
    private ScriptedRunner runner;

    private void start(Tokenizer tokenizer, List<EngineObserver> observers) {
        runner = ScriptedRunner.spelling(ALPHABET);
        engine = new Engine(runner, tokenizer, EngineConfig.of(4096, 8, 64), observers);
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private Generation submit(String prompt, int maxTokens) {
        SamplingParams params = SamplingParams.builder().temperature(0.0).maxTokens(maxTokens).build();
        return engine.submit(List.of(new Engine.PromptRequest(new PromptTokens(prompt, ByteTokenizer.ids(prompt)), params)),
                1, new int[] {ByteTokenizer.EOS}, false);
    }

    /** The generation's text, or the error it failed with. */
    private record Result(String text, FinishReason reason, RuntimeException error) {
    }

    private static Result drain(Generation generation) throws InterruptedException {
        StringBuilder text = new StringBuilder();
        FinishReason reason = null;
        RuntimeException error = null;
        GenerationEvent event;
        while ((event = generation.poll(10, TimeUnit.SECONDS)) != null) {
            switch (event) {
                case GenerationEvent.Delta d -> text.append(d.text());
                case GenerationEvent.Finished f -> reason = f.reason();
                case GenerationEvent.Failed f -> error = f.error();
                case GenerationEvent.PromptLogprobs p -> { }
            }
        }
        assertTrue(generation.done(), "the generation ended");
        return new Result(text.toString(), reason, error);
    }

    /** The engine is alive and answers a plain request as it should. */
    private void assertServes() throws InterruptedException {
        assertTrue(engine.healthy(), "the engine thread is alive");
        Result next = drain(submit("a", 3));
        assertNull(next.error());
        assertEquals("bcd", next.text());
    }

    @Test
    void anEmptyPromptIsRefusedBeforeItReachesTheEngineAndTheNextRequestIsServed() throws InterruptedException {
        start(new ByteTokenizer(), List.of());
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> submit("", 3));
        assertEquals("The decoder prompt cannot be empty", refused.getMessage());
        assertServes();
    }

    @Test
    void aSequenceThatCannotBeScheduledAgainFailsAloneAndTheEngineGoesOn() throws InterruptedException {
        start(new ByteTokenizer(), List.of());
        runner.withheldToken = 'y';             // fed, but no row comes back: nothing is left to feed it next
        Generation doomed = submit("xy", 5);
        Generation fine = submit("a", 5);
        Result failed = drain(doomed);
        assertNotNull(failed.error(), "the sequence left with nothing to feed failed");
        assertEquals("bcdef", drain(fine).text());
        assertServes();
    }

    @Test
    void aDetokenizerFailureOnAStrangeTokenFailsOnlyItsSequence() throws InterruptedException {
        start(new ThrowingTokenizer('e'), List.of());
        Generation doomed = submit("abc", 5);   // its second token is 'e'
        Generation fine = submit("a", 2);
        Result failed = drain(doomed);
        assertInstanceOf(IllegalArgumentException.class, failed.error());
        assertEquals("bc", drain(fine).text());
        assertServes();
    }

    @Test
    void anErrorThrownWhileFeedingFailsOnlyItsSequence() throws InterruptedException {
        start(new ByteTokenizer(), List.of());
        runner.failingToken = 'z';
        runner.failWhenFeeding = new StackOverflowError("deep");
        Generation doomed = submit("xyz", 5);
        Generation fine = submit("a", 5);
        Result failed = drain(doomed);
        assertInstanceOf(StackOverflowError.class, failed.error().getCause(), "the Error is reported, wrapped");
        assertEquals("bcdef", drain(fine).text());
        runner.failWhenFeeding = null;
        assertServes();
    }

    @Test
    void anObserverThatThrowsNeverFailsARequest() throws InterruptedException {
        EngineObserver broken = new EngineObserver() {
            @Override
            public void stepped(int promptTokens, int generatedTokens) {
                throw new IllegalStateException("metrics broke");
            }

            @Override
            public void finished(FinishReason reason, double queueSeconds, double e2eSeconds, int promptTokens,
                                 int generationTokens) {
                throw new IllegalStateException("metrics broke");
            }
        };
        start(new ByteTokenizer(), List.of(broken));
        Result result = drain(submit("a", 4));
        assertNull(result.error());
        assertEquals("bcde", result.text());
        assertEquals(FinishReason.LENGTH, result.reason());
        assertServes();
    }

    /** The test tokenizer, failing on one token as a broken vocabulary entry would. */
    private static final class ThrowingTokenizer implements Tokenizer {

        private final ByteTokenizer bytes = new ByteTokenizer();
        private final int strange;

        ThrowingTokenizer(int strange) {
            this.strange = strange;
        }

        @Override
        public int[] encode(String text, boolean addSpecialTokens) {
            return bytes.encode(text, addSpecialTokens);
        }

        @Override
        public String decode(int[] ids, boolean skipSpecialTokens) {
            return bytes.decode(ids, skipSpecialTokens);
        }

        @Override
        public byte[] tokenBytes(int id) {
            if (id == strange) {
                throw new IllegalArgumentException("no bytes for token " + id);
            }
            return bytes.tokenBytes(id);
        }

        @Override
        public String tokenString(int id) {
            return bytes.tokenString(id);
        }

        @Override
        public boolean isSpecial(int id) {
            return bytes.isSpecial(id);
        }

        @Override
        public int size() {
            return bytes.size();
        }
    }
}
