package dev.vela.application.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.Generation.PromptTokens;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.domain.generation.FinishReason;
import dev.vela.domain.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cancelled request reaches the engine before its next step: 100 requests, 64 of them running
 * and 36 waiting, are cancelled while a step is under way, and the runner computes at most that
 * step's token for each afterwards.
 */
class EngineCancellationTest {

    private static final int REQUESTS = 100;
    private static final int MAX_NUM_SEQS = 64;

    private Engine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void cancelledRequestsGetAtMostTheTokensOfTheStepUnderWay() throws InterruptedException {
        ScriptedRunner runner = new ScriptedRunner(position -> (int) 'x');   // never ends on its own
        engine = new Engine(runner, new ByteTokenizer(), EngineConfig.of(4096, MAX_NUM_SEQS, 4096), List.of());
        CountDownLatch firstStep = new CountDownLatch(1);
        runner.entered = new CountDownLatch(1);
        runner.gate = firstStep;                // the first request's first step waits while the others arrive

        List<Generation> generations = new ArrayList<>();
        generations.add(submit(0));
        assertTrue(runner.entered.await(10, TimeUnit.SECONDS), "the first step started");
        for (int i = 1; i < REQUESTS; i++) {
            generations.add(submit(i));
        }
        CountDownLatch open = new CountDownLatch(1);
        runner.gateAfterBatches = 3;            // then every running request gets a token or two, and a step waits
        runner.entered = new CountDownLatch(1);
        runner.gate = open;
        firstStep.countDown();
        assertTrue(runner.entered.await(10, TimeUnit.SECONDS), "the fourth step started");
        assertEquals(MAX_NUM_SEQS, engine.runningCount());
        assertEquals(REQUESTS - MAX_NUM_SEQS, engine.waitingCount());

        int[] rowsAtCancel = new int[REQUESTS];
        for (int i = 0; i < REQUESTS; i++) {
            rowsAtCancel[i] = runner.rowsHanded(sequenceId(generations.get(i)));
            generations.get(i).cancel();
        }
        open.countDown();

        for (int i = 0; i < REQUESTS; i++) {
            Generation generation = generations.get(i);
            GenerationEvent.Finished finished = finish(generation);
            assertNotNull(finished, "request " + i + " ended");
            assertEquals(FinishReason.ABORT, finished.reason());
            int after = runner.rowsHanded(sequenceId(generation)) - rowsAtCancel[i];
            if (i < MAX_NUM_SEQS) {
                assertTrue(rowsAtCancel[i] >= 2, "running request " + i + " was generating when it was cancelled");
                assertTrue(after <= 1, "running request " + i + " got " + after + " tokens after its cancel");
            } else {
                assertEquals(0, rowsAtCancel[i] + after, "waiting request " + i + " never ran");
            }
        }
        assertEquals(0, engine.runningCount());
        assertEquals(0, engine.waitingCount());
        assertTrue(engine.healthy());
    }

    private Generation submit(int i) {
        String prompt = "request " + i;
        SamplingParams params = SamplingParams.builder().temperature(0.0).maxTokens(4000).build();
        return engine.submit(List.of(new Engine.PromptRequest(new PromptTokens(prompt, ByteTokenizer.ids(prompt)), params)),
                1, new int[] {ByteTokenizer.EOS}, false);
    }

    private static long sequenceId(Generation generation) {
        return ((EngineRequest) generation).sequences.getFirst().id;
    }

    private static GenerationEvent.Finished finish(Generation generation) throws InterruptedException {
        GenerationEvent.Finished finished = null;
        GenerationEvent event;
        while ((event = generation.poll(10, TimeUnit.SECONDS)) != null) {
            if (event instanceof GenerationEvent.Finished f) {
                finished = f;
            }
        }
        return finished;
    }
}
