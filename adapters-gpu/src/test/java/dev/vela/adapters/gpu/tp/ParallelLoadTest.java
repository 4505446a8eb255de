package dev.vela.adapters.gpu.tp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.gpu.reference.CpuReferenceRunner;
import dev.vela.adapters.gpu.tp.TinyModels.Model;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.domain.model.ModelConfig;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The ranks load their shards at the same time, each on its own thread: a weight source whose
 * first load on each rank waits until every rank has begun loading only finishes if they overlap.
 */
class ParallelLoadTest {

    private static final long MEMORY = 4L << 20;

    /** Holds each rank's first tensor until all {@code ranks} are loading. */
    private record EveryRankAtOnce(WeightSource inner, CountDownLatch loading, ThreadLocal<Boolean> started)
            implements WeightSource {

        EveryRankAtOnce(WeightSource inner, int ranks) {
            this(inner, new CountDownLatch(ranks), ThreadLocal.withInitial(() -> false));
        }

        @Override
        public void load(Backend backend, ShardedTensor tensor, Tensor destination) {
            if (!started.get()) {
                started.set(true);
                loading.countDown();
                try {
                    if (!loading.await(1, TimeUnit.MINUTES)) {
                        throw new IllegalStateException("a rank loaded while another had not begun");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            inner.load(backend, tensor, destination);
        }
    }

    @ParameterizedTest(name = "tp={0}")
    @ValueSource(ints = {2, 4})
    void everyRankIsLoadingAtOnce(int tp) {
        ModelConfig config = TinyModels.directory(Model.TINY_F32).config();
        try (SafetensorsModelWeights weights = TinyModels.weights(Model.TINY_F32)) {
            EveryRankAtOnce source = new EveryRankAtOnce(new ModelWeightsSource(weights), tp);
            try (TensorParallelModelRunner runner = CpuReferenceRunner.open(config, source, tp, ElementType.F32, MEMORY,
                    true)) {
                assertEquals(0, source.loading().getCount(), "all " + tp + " ranks were loading together");
                assertTrue(runner.allocateKvCache(4, 0) > 0);
            }
        }
    }

    @ParameterizedTest(name = "tp={0}")
    @ValueSource(ints = {2, 4})
    void aRankThatFailsToLoadFailsTheLoadWithItsError(int tp) {
        ModelConfig config = TinyModels.directory(Model.TINY_F32).config();
        WeightSource failing = (backend, tensor, destination) -> {
            throw new IllegalArgumentException("unreadable shard");
        };
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CpuReferenceRunner.open(config, failing, tp, ElementType.F32, MEMORY, true));
        assertEquals("unreadable shard", e.getMessage());
    }
}
