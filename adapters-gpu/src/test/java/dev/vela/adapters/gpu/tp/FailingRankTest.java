package dev.vela.adapters.gpu.tp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.gpu.reference.CpuReferenceRunner;
import dev.vela.adapters.gpu.tp.TinyModels.Model;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.domain.error.RunnerFailedException;
import dev.vela.application.port.out.SequenceSlice;
import dev.vela.domain.model.ModelConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * One rank of four failing in the middle of a step, on the CPU backend with a thread per rank (as
 * GPUs run): the others stop waiting for its all-reduce, the step fails with an error naming the
 * rank, and the runner refuses every later step, for the server to be restarted.
 */
class FailingRankTest {

    private static final int TP = 4;
    private static final int FAILING_WORKER = 2;
    private static final long MEMORY = 4L << 20;
    private static final int[] TABLE = {0, 1, 2, 3};

    /** Every worker's collective, reporting its aborts; the chosen worker's fails (or hangs) at its third all-reduce. */
    private static final class Injected {
        final Set<Integer> aborted = ConcurrentHashMap.newKeySet();
        final AtomicInteger allReduces = new AtomicInteger();
        final CountDownLatch release = new CountDownLatch(1);
        final boolean hang;

        Injected(boolean hang) {
            this.hang = hang;
        }

        Collective wrap(int worker, Collective inner) {
            AtomicInteger calls = new AtomicInteger();
            return new Collective() {
                @Override
                public void allReduceSum(List<Tensor> localBuffers, long count) {
                    allReduces.incrementAndGet();
                    if (worker == FAILING_WORKER && calls.incrementAndGet() == 3) {
                        if (!hang) {
                            throw new IllegalStateException("injected fault in rank " + worker);
                        }
                        awaitRelease();
                    }
                    inner.allReduceSum(localBuffers, count);
                }

                @Override
                public void abort() {
                    aborted.add(worker);
                    inner.abort();
                }
            };
        }

        private void awaitRelease() {
            try {
                release.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void aRankThatThrowsEndsTheStepOnEveryRankWithAnErrorNamingIt() {
        Injected injected = new Injected(false);
        try (SafetensorsModelWeights weights = TinyModels.weights(Model.TINY_F32);
             TensorParallelModelRunner runner = open(weights, injected, CpuReferenceRunner.DEFAULT_STEP_TIMEOUT)) {
            RunnerFailedException failure = assertThrows(RunnerFailedException.class, () -> step(runner));
            assertTrue(failure.getMessage().contains("rank(s) 2 of 4 failed: injected fault in rank 2"), failure.getMessage());
            assertEquals(Set.of(0, 1, 2, 3), injected.aborted, "every rank left the step and aborted its collective");
        }
    }

    @Test
    void aRunnerWhoseRankFailedRefusesEveryLaterStepWithoutRunningIt() {
        Injected injected = new Injected(false);
        try (SafetensorsModelWeights weights = TinyModels.weights(Model.TINY_F32);
             TensorParallelModelRunner runner = open(weights, injected, CpuReferenceRunner.DEFAULT_STEP_TIMEOUT)) {
            RunnerFailedException first = assertThrows(RunnerFailedException.class, () -> step(runner));
            int ran = injected.allReduces.get();
            assertSame(first, assertThrows(RunnerFailedException.class, () -> step(runner)));
            assertEquals(ran, injected.allReduces.get(), "no rank was asked to run the later step");
        }
    }

    /** A rank stuck for good (a device that never answers) fails the step once its deadline passes. */
    @Test
    void aRankThatNeverFinishesFailsTheStepAtItsDeadline() {
        Injected injected = new Injected(true);
        try (SafetensorsModelWeights weights = TinyModels.weights(Model.TINY_F32);
             TensorParallelModelRunner runner = open(weights, injected, Duration.ofSeconds(1))) {
            try {
                RunnerFailedException failure = assertThrows(RunnerFailedException.class, () -> step(runner));
                assertTrue(failure.getMessage().contains("did not finish the step within 1 s"), failure.getMessage());
                assertTrue(failure.getMessage().contains("2 of 4"), failure.getMessage());
            } finally {
                injected.release.countDown();
            }
        }
    }

    private static TensorParallelModelRunner open(SafetensorsModelWeights weights, Injected injected, Duration timeout) {
        ModelConfig config = TinyModels.directory(Model.TINY_F32).config();
        TensorParallelModelRunner runner = CpuReferenceRunner.open(config, new ModelWeightsSource(weights), TP,
                ElementType.F32, MEMORY, true, injected::wrap, timeout);
        runner.allocateKvCache(4, 0);
        return runner;
    }

    private static void step(TensorParallelModelRunner runner) {
        TinyModels.step(runner, List.of(SequenceSlice.of(1, TinyModels.prompt(3, 9, 500), 0, TABLE, true)));
    }
}
