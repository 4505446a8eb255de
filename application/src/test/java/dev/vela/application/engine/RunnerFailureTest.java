package dev.vela.application.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.Generation.PromptTokens;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.application.port.out.EngineObserver;
import dev.vela.domain.error.RunnerFailedException;
import dev.vela.domain.sampling.SamplingParams;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A runner that fails for good (a GPU rank died) ends every request with its error, leaves the
 * engine unhealthy and refusing new requests, and tells the observers once, so the server restarts.
 */
class RunnerFailureTest {

    private final List<RunnerFailedException> told = new CopyOnWriteArrayList<>();
    /** Opens once the observers were told: they are told after the requests' failures go out. */
    private final CountDownLatch toldOnce = new CountDownLatch(1);
    private ScriptedRunner runner;
    private Engine engine;

    @BeforeEach
    void start() {
        runner = ScriptedRunner.spelling("abcdefghijklmnopqrstuvwxyz");
        EngineObserver observer = new EngineObserver() {
            @Override
            public void runnerFailed(RunnerFailedException error) {
                told.add(error);
                toldOnce.countDown();
            }
        };
        engine = new Engine(runner, new ByteTokenizer(), EngineConfig.of(4096, 8, 64), List.of(observer));
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    @Test
    void everyRequestOfTheFailedStepAndTheWaitingOnesFailWithTheRunnersError() throws InterruptedException {
        RunnerFailedException failure = new RunnerFailedException("rank 1 of 2 failed: injected", null);
        runner.failingToken = 'z';
        runner.failWhenFeeding = failure;
        CountDownLatch open = new CountDownLatch(1);
        runner.entered = new CountDownLatch(1);
        runner.gate = open;                     // the failing step waits until the bystander has arrived
        Generation doomed = submit("xyz");
        runner.entered.await();
        Generation bystander = submit("a");
        open.countDown();
        assertSame(failure, failureOf(doomed));
        assertSame(failure, failureOf(bystander), "the runner ran nobody's step, so nobody is served");
        assertFalse(engine.healthy(), "/health answers 503");
        assertTrue(toldOnce.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(failure), told, "the observers are told once");
    }

    @Test
    void theEngineTakesNoRequestAfterTheRunnerFailed() throws InterruptedException {
        RunnerFailedException failure = new RunnerFailedException("rank 0 of 4 failed: injected", null);
        runner.failingToken = 'z';
        runner.failWhenFeeding = failure;
        failureOf(submit("z"));
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> submit("a"));
        assertTrue(refused.getMessage().contains("rank 0 of 4 failed"), refused.getMessage());
        assertTrue(toldOnce.await(10, TimeUnit.SECONDS));
        assertEquals(1, told.size());
    }

    @Test
    void anOrdinaryFailureOfAStepIsNotTheRunnersEnd() throws InterruptedException {
        runner.failingToken = 'z';
        runner.failWhenFeeding = new IllegalArgumentException("one bad slice");
        assertEquals(IllegalArgumentException.class, failureOf(submit("z")).getClass());
        assertTrue(engine.healthy());
        assertTrue(told.isEmpty());
    }

    private Generation submit(String prompt) {
        SamplingParams params = SamplingParams.builder().temperature(0.0).maxTokens(4).build();
        return engine.submit(List.of(new Engine.PromptRequest(new PromptTokens(prompt, ByteTokenizer.ids(prompt)), params)),
                1, new int[] {ByteTokenizer.EOS}, false);
    }

    private static RuntimeException failureOf(Generation generation) throws InterruptedException {
        GenerationEvent event;
        while ((event = generation.poll(10, TimeUnit.SECONDS)) != null) {
            if (event instanceof GenerationEvent.Failed failed) {
                return failed.error();
            }
        }
        return fail("the generation ended without failing");
    }
}
