package dev.vela.application.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.Generation.PromptTokens;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.application.port.out.SequenceSlice;
import dev.vela.domain.generation.FinishReason;
import dev.vela.domain.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EngineTest {

    private Engine engine;
    private ScriptedRunner runner;

    private Engine engine(ScriptedRunner scripted, int maxNumSeqs, int maxBatchedTokens) {
        runner = scripted;
        engine = new Engine(scripted, new ByteTokenizer(), EngineConfig.of(4096, maxNumSeqs, maxBatchedTokens), java.util.List.of());
        return engine;
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    private static SamplingParams greedy(int maxTokens) {
        return SamplingParams.builder().temperature(0.0).maxTokens(maxTokens).build();
    }

    private static Generation.PromptTokens prompt(String text) {
        return new PromptTokens(text, ByteTokenizer.ids(text));
    }

    private Generation submit(String prompt, SamplingParams params) {
        return engine.submit(List.of(new Engine.PromptRequest(prompt(prompt), params)), params.n(),
                new int[] {ByteTokenizer.EOS}, false);
    }

    /** Everything a generation produced: text per choice and the finish events. */
    record Outcome(List<String> texts, List<GenerationEvent.Finished> finished, List<GenerationEvent> events) {
    }

    private static Outcome drain(Generation generation, int choices) throws InterruptedException {
        List<StringBuilder> texts = new ArrayList<>();
        for (int i = 0; i < choices; i++) {
            texts.add(new StringBuilder());
        }
        GenerationEvent.Finished[] finished = new GenerationEvent.Finished[choices];
        List<GenerationEvent> events = new ArrayList<>();
        GenerationEvent event;
        while ((event = generation.poll(10, TimeUnit.SECONDS)) != null) {
            events.add(event);
            if (event instanceof GenerationEvent.Delta d) {
                texts.get(d.choice()).append(d.text());
            } else if (event instanceof GenerationEvent.Finished f) {
                finished[f.choice()] = f;
            }
        }
        assertTrue(generation.done(), "the generation ended");
        return new Outcome(texts.stream().map(StringBuilder::toString).toList(), java.util.Arrays.asList(finished), events);
    }

    @Test
    void greedyGenerationStopsAtEosWithFinishReasonStop() throws InterruptedException {
        engine(ScriptedRunner.spelling("Hello, world!"), 4, 64);
        Outcome outcome = drain(submit("Hello", greedy(100)), 1);
        assertEquals(", world!", outcome.texts().get(0));
        assertEquals(FinishReason.STOP, outcome.finished().get(0).reason());
        assertNull(outcome.finished().get(0).stopReason(), "EOS has no stop_reason");
    }

    @Test
    void maxTokensEndsWithFinishReasonLength() throws InterruptedException {
        engine(ScriptedRunner.spelling("Hello, world!"), 4, 64);
        Outcome outcome = drain(submit("Hello", greedy(3)), 1);
        assertEquals(", w", outcome.texts().get(0));
        assertEquals(FinishReason.LENGTH, outcome.finished().get(0).reason());
        assertEquals(3, outcome.finished().get(0).completionTokens());
    }

    @Test
    void aStopStringEndsTheTextBeforeItAndIsReportedAsStopReason() throws InterruptedException {
        engine(ScriptedRunner.spelling("Hello, world!"), 4, 64);
        SamplingParams params = SamplingParams.builder().temperature(0.0).maxTokens(100).stop(List.of("orl")).build();
        Outcome outcome = drain(submit("Hello", params), 1);
        assertEquals(", w", outcome.texts().get(0));
        assertEquals(FinishReason.STOP, outcome.finished().get(0).reason());
        assertEquals("orl", outcome.finished().get(0).stopReason());
    }

    @Test
    void theStopStringIsKeptWhenAskedFor() throws InterruptedException {
        engine(ScriptedRunner.spelling("Hello, world!"), 4, 64);
        SamplingParams params = SamplingParams.builder().temperature(0.0).maxTokens(100).stop(List.of("orl"))
                .includeStopStrInOutput(true).build();
        assertEquals(", worl", drain(submit("Hello", params), 1).texts().get(0));
    }

    @Test
    void noDeltaEverCarriesThePartOfAStopStringThatIsCutAway() throws InterruptedException {
        engine(ScriptedRunner.spelling("Hello, world!"), 4, 64);
        SamplingParams params = SamplingParams.builder().temperature(0.0).maxTokens(100).stop(List.of("world")).build();
        Outcome outcome = drain(submit("Hello", params), 1);
        for (GenerationEvent event : outcome.events()) {
            if (event instanceof GenerationEvent.Delta d) {
                assertFalse(d.text().contains("w"), "sent " + d.text());
            }
        }
        assertEquals(", ", outcome.texts().get(0));
    }

    @Test
    void aStopTokenIdEndsTheSequenceAndIsTheStopReason() throws InterruptedException {
        engine(ScriptedRunner.spelling("Hello, world!"), 4, 64);
        SamplingParams params = SamplingParams.builder().temperature(0.0).maxTokens(100)
                .stopTokenIds(List.of((int) 'w')).build();
        Outcome outcome = drain(submit("Hello", params), 1);
        assertEquals(", ", outcome.texts().get(0));
        assertEquals((int) 'w', outcome.finished().get(0).stopReason());
    }

    @Test
    void ignoreEosKeepsGeneratingUntilMaxTokens() throws InterruptedException {
        engine(ScriptedRunner.spelling("ab"), 4, 64);
        SamplingParams params = SamplingParams.builder().temperature(0.0).maxTokens(5).ignoreEos(true).build();
        Outcome outcome = drain(submit("a", params), 1);
        assertEquals(FinishReason.LENGTH, outcome.finished().get(0).reason());
        assertEquals(5, outcome.finished().get(0).completionTokens());
    }

    @Test
    void aCharacterSplitOverTokensIsNeverSentInHalves() throws InterruptedException {
        engine(ScriptedRunner.spelling("x中文y"), 4, 64);
        Outcome outcome = drain(submit("x", greedy(100)), 1);
        assertEquals("中文y", outcome.texts().get(0));
        for (GenerationEvent event : outcome.events()) {
            if (event instanceof GenerationEvent.Delta d) {
                assertFalse(d.text().contains("\uFFFD"), "a delta held a broken character");
            }
        }
    }

    @Test
    void everyChoiceOfARequestRunsAndFinishes() throws InterruptedException {
        engine(ScriptedRunner.spelling("Hello, world!"), 8, 64);
        SamplingParams params = SamplingParams.builder().temperature(1.0).n(3).maxTokens(4).build();
        Outcome outcome = drain(submit("Hello", params), 3);
        for (int i = 0; i < 3; i++) {
            assertEquals(", wo", outcome.texts().get(i), "the scripted favourite wins for choice " + i);
            assertEquals(FinishReason.LENGTH, outcome.finished().get(i).reason());
        }
    }

    @Test
    void sequencesOfDifferentRequestsShareEngineSteps() throws InterruptedException {
        engine(ScriptedRunner.spelling("abcdefghijklmnopqrstuvwxyz"), 8, 64);
        runner.entered = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch open = new java.util.concurrent.CountDownLatch(1);
        runner.gate = open;
        Generation first = submit("a", greedy(20));
        runner.entered.await(10, TimeUnit.SECONDS);   // the first request's prefill is in the runner
        Generation second = submit("k", greedy(10));
        open.countDown();
        drain(first, 1);
        drain(second, 1);
        assertTrue(runner.batches.stream().anyMatch(b -> b.size() == 2), "some step ran both sequences");
    }

    @Test
    void maxNumSeqsLimitsTheSequencesOfOneStep() throws InterruptedException {
        engine(ScriptedRunner.spelling("abcdefghijklmnopqrstuvwxyz"), 2, 64);
        List<Generation> generations = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            generations.add(submit("a", greedy(5)));
        }
        for (Generation g : generations) {
            assertEquals("bcdef", drain(g, 1).texts().get(0));
        }
        assertTrue(runner.batches.stream().allMatch(b -> b.size() <= 2));
    }

    @Test
    void aLongPromptIsPrefilledInChunksOfTheTokenBudget() throws InterruptedException {
        engine(ScriptedRunner.spelling("abcdefghijklmnopqrstuvwxyz"), 4, 8);
        String prompt = "abcdefghijklmnopqrst";
        Outcome outcome = drain(submit(prompt, greedy(3)), 1);
        assertEquals("uvw", outcome.texts().get(0));
        List<SequenceSlice> firstSlices = runner.batches.stream().limit(3).map(b -> b.get(0)).toList();
        assertEquals(List.of(0, 8, 16), firstSlices.stream().map(SequenceSlice::startPosition).toList());
        assertEquals(0, firstSlices.get(0).logitRows(), "no logits for a chunk that is not the prompt's last");
        assertEquals(1, firstSlices.get(2).logitRows());
    }

    @Test
    void cancellingARequestEndsItsChoicesAndReleasesThem() throws InterruptedException {
        engine(ScriptedRunner.spelling("ab"), 4, 64);
        SamplingParams params = SamplingParams.builder().temperature(0.0).maxTokens(4000).ignoreEos(true).build();
        Generation generation = submit("a", params);
        assertInstanceOf(GenerationEvent.Delta.class, generation.poll(10, TimeUnit.SECONDS));
        generation.cancel();
        Outcome outcome = drain(generation, 1);
        assertEquals(FinishReason.ABORT, outcome.finished().get(0).reason());
        drain(submit("a", greedy(1)), 1);   // the engine releases ended sequences before it runs the next
        assertTrue(runner.released.size() >= 1, "the cancelled sequence was released");
    }

    @Test
    void aFailingSequenceFailsOnlyItsOwnRequest() throws InterruptedException {
        engine(ScriptedRunner.spelling("abcdefghijklmnopqrstuvwxyz"), 8, 64);
        runner.failingToken = 'z';
        runner.failWhenFeeding = new IllegalStateException("boom");
        Generation doomed = submit("xyz", greedy(5));
        Generation fine = submit("a", greedy(5));
        Outcome failed = drain(doomed, 1);
        assertTrue(failed.events().stream().anyMatch(e -> e instanceof GenerationEvent.Failed));
        assertEquals("bcdef", drain(fine, 1).texts().get(0));
    }

    @Test
    void promptLogprobsScoreEveryPromptTokenButTheFirst() throws InterruptedException {
        engine(ScriptedRunner.spelling("Hello, world!"), 4, 3);
        SamplingParams params = SamplingParams.builder().temperature(0.0).maxTokens(2).promptLogprobs(1).build();
        Outcome outcome = drain(submit("Hello", params), 1);
        GenerationEvent.PromptLogprobs prompt = outcome.events().stream()
                .filter(e -> e instanceof GenerationEvent.PromptLogprobs).map(e -> (GenerationEvent.PromptLogprobs) e)
                .findFirst().orElseThrow();
        assertEquals(5, prompt.logprobs().size());
        assertFalse(prompt.logprobs().get(0).scored(), "nothing predicts the first token");
        for (int i = 1; i < 5; i++) {
            assertEquals("Hello".charAt(i), prompt.logprobs().get(i).tokenId());
            assertEquals(1, prompt.logprobs().get(i).rank(), "the scripted favourite is the prompt's own next byte");
            assertEquals(1, prompt.logprobs().get(i).top().size());
        }
        assertInstanceOf(GenerationEvent.PromptLogprobs.class, outcome.events().get(0), "sent before any delta");
        assertEquals(", ", outcome.texts().get(0));
    }

    @Test
    void rowsSampledOnSeveralThreadsInAnyOrderGiveWhatRowsInOrderGive() throws InterruptedException {
        SamplingParams params = SamplingParams.builder().temperature(1.0).seed(7L).n(2).maxTokens(12).logprobs(2)
                .promptLogprobs(1).build();
        List<List<String>> results = new ArrayList<>();
        for (boolean threads : new boolean[] {false, true}) {
            ScriptedRunner scripted = ScriptedRunner.spelling("the quick brown fox jumps over the lazy dog");
            scripted.favourite = 1f;                    // a real draw: every byte is a candidate
            scripted.rowsFromThreads = threads;
            engine(scripted, 8, 64);
            Generation first = submit("the quick", params);
            Generation second = submit("brown", params);
            List<GenerationEvent> events = new ArrayList<>(drain(first, 2).events());
            events.addAll(drain(second, 2).events());
            results.add(events.stream().map(EngineTest::describe).toList());
            engine.close();
        }
        assertEquals(results.get(0), results.get(1));
        assertTrue(results.get(1).stream().anyMatch(e -> e.startsWith("prompt")));
    }

    /** An event as text, arrays by value. */
    private static String describe(GenerationEvent event) {
        return switch (event) {
            case GenerationEvent.Delta d -> "delta " + d.choice() + " " + d.text() + " " + java.util.Arrays.toString(d.tokenIds())
                    + " " + describe(d.logprobs());
            case GenerationEvent.PromptLogprobs p -> "prompt " + p.choice() + " " + describe(p.logprobs());
            default -> event.toString();
        };
    }

    private static String describe(List<dev.vela.application.port.in.TokenLogprob> logprobs) {
        return logprobs == null ? "-" : logprobs.stream().map(l -> l.tokenId() + ":" + l.logprob() + ":" + l.rank() + ":"
                + l.top().stream().map(c -> c.tokenId() + "=" + c.logprob()).toList()).toList().toString();
    }

    /** Counts what the engine reports. */
    static final class CountingObserver implements dev.vela.application.port.out.EngineObserver {
        final java.util.concurrent.atomic.AtomicInteger preemptions = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger queried = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger hits = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger generated = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();

        @Override
        public void preempted() {
            preemptions.incrementAndGet();
        }

        @Override
        public void prefixCacheLookup(int queriedTokens, int hitTokens) {
            queried.addAndGet(queriedTokens);
            hits.addAndGet(hitTokens);
        }

        @Override
        public void stepped(int promptTokens, int generatedTokens) {
            generated.addAndGet(generatedTokens);
        }

        @Override
        public void finished(FinishReason reason, double queueSeconds, double e2eSeconds, int promptTokens, int generationTokens) {
            finished.incrementAndGet();
        }
    }

    private CountingObserver observed(ScriptedRunner scripted, EngineConfig config) {
        runner = scripted;
        CountingObserver observer = new CountingObserver();
        engine = new Engine(scripted, new ByteTokenizer(), config, List.of(observer));
        return observer;
    }

    @Test
    void whenBlocksRunOutTheNewestSequenceIsPreemptedAndLaterFinishesTheSame() throws InterruptedException {
        ScriptedRunner scripted = ScriptedRunner.spelling("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
        scripted.kvBlocks = 8;                            // 32 positions for 4 sequences that want 20 each
        CountingObserver observer = observed(scripted, new EngineConfig(32, 4, 64, 4, 0, true));
        List<Generation> generations = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            generations.add(submit("abcd", greedy(16)));
        }
        for (Generation g : generations) {
            Outcome outcome = drain(g, 1);
            assertEquals("efghijklmnopqrst", outcome.texts().get(0), "recomputed sequences continue where they were");
            assertEquals(FinishReason.LENGTH, outcome.finished().get(0).reason());
        }
        assertTrue(observer.preemptions.get() > 0, "the cache was too small for all four at once");
        drain(submit("a", greedy(1)), 1);
        assertEquals(0.0, engine.kvCacheUsage(), 1e-9, "every block is back");
    }

    @Test
    void aRepeatedPromptPrefixIsServedFromTheCache() throws InterruptedException {
        ScriptedRunner scripted = ScriptedRunner.spelling("the same long system prompt, then a question");
        scripted.paged = true;
        CountingObserver observer = observed(scripted, new EngineConfig(256, 4, 256, 4, 0, true));
        String prompt = "the same long system prompt, then";
        assertEquals(" a question", drain(submit(prompt, greedy(11)), 1).texts().get(0));
        int before = scripted.batches.size();
        assertEquals(" a question", drain(submit(prompt, greedy(11)), 1).texts().get(0), "the same answer from cached blocks");
        SequenceSlice prefill = scripted.batches.get(before).get(0);
        assertEquals(32, prefill.startPosition(), "8 full blocks of 4 came from the cache; only the rest ran");
        assertEquals(32, observer.hits.get());
        assertEquals(2 * prompt.length(), observer.queried.get());
    }

    @Test
    void aKvCacheSmallerThanOneFullSequenceIsRefusedAtStart() {
        ScriptedRunner scripted = ScriptedRunner.spelling("ab");
        scripted.kvBlocks = 2;
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new Engine(scripted, new ByteTokenizer(), new EngineConfig(64, 4, 64, 16, 0, true), List.of()));
        assertTrue(e.getMessage().startsWith("The model's max seq len (64) is larger than the maximum number of tokens "
                + "that can be stored in KV cache (32)."), e.getMessage());
    }

    @Test
    void cancellingFreesTheKvBlocks() throws InterruptedException {
        engine(ScriptedRunner.spelling("ab"), 4, 64);
        SamplingParams params = SamplingParams.builder().temperature(0.0).maxTokens(4000).ignoreEos(true).build();
        Generation generation = submit("a", params);
        generation.poll(10, TimeUnit.SECONDS);
        generation.cancel();
        drain(generation, 1);
        drain(submit("a", greedy(1)), 1);
        assertEquals(0.0, engine.kvCacheUsage(), 1e-9);
    }

    @Test
    void usageCountsPromptAndGeneratedTokens() throws InterruptedException {
        engine(ScriptedRunner.spelling("Hello, world!"), 4, 64);
        Generation generation = submit("Hello", greedy(3));
        drain(generation, 1);
        assertEquals(5, generation.usage().promptTokens());
        assertEquals(3, generation.usage().completionTokens());
    }
}
