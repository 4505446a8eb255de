package dev.vela.adapters.gpu.reference;

import dev.vela.adapters.gpu.tp.Backend;
import dev.vela.adapters.gpu.tp.Collective;
import dev.vela.adapters.gpu.tp.ElementType;
import dev.vela.adapters.gpu.tp.Qwen2TpEngine;
import dev.vela.adapters.gpu.tp.ShardPlan;
import dev.vela.adapters.gpu.tp.TensorParallelModelRunner;
import dev.vela.adapters.gpu.tp.WeightSource;
import dev.vela.domain.model.ModelConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;

/** The tensor-parallel runner on the CPU reference backend, the yardstick the GPU runner is held to. */
public final class CpuReferenceRunner {

    /** Long enough for any step of a test model on a loaded machine; a failing rank ends a step at once. */
    public static final Duration DEFAULT_STEP_TIMEOUT = Duration.ofMinutes(2);

    private CpuReferenceRunner() {
    }

    /**
     * The tensor-parallel engine on the CPU reference backend: {@code tp} ranks driven by one
     * worker on the calling thread, or with {@code threadPerRank} by one thread per rank meeting
     * at a barrier in each all-reduce, as GPUs meet in NCCL.
     *
     * @param activations  F32 for the exact model, BF16/F16 to round like a GPU
     * @param memoryBudget bytes of tensors per worker, which sizes the KV cache
     */
    public static TensorParallelModelRunner open(ModelConfig model, WeightSource weights, int tp,
                                                 ElementType activations, long memoryBudget, boolean threadPerRank) {
        return open(model, weights, tp, activations, memoryBudget, threadPerRank, (worker, collective) -> collective,
                DEFAULT_STEP_TIMEOUT);
    }

    /**
     * {@link #open(ModelConfig, WeightSource, int, ElementType, long, boolean)} with each worker's
     * collective passed through {@code collectives} (to inject a fault into one rank) and a step timeout.
     */
    public static TensorParallelModelRunner open(ModelConfig model, WeightSource weights, int tp,
                                                 ElementType activations, long memoryBudget, boolean threadPerRank,
                                                 BiFunction<Integer, Collective, Collective> collectives,
                                                 Duration stepTimeout) {
        ShardPlan plan = new ShardPlan(model, tp);
        int workerCount = threadPerRank ? tp : 1;
        List<Collective> group = CpuCollective.forWorkers(tp, workerCount);
        List<ExecutorService> threads = new ArrayList<>();
        List<Executor> executors = new ArrayList<>();
        List<Backend> backends = new ArrayList<>();
        for (int w = 0; w < workerCount; w++) {
            backends.add(new CpuBackend(activations, memoryBudget));
            if (threadPerRank) {
                ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("cpu-rank-" + w).factory());
                threads.add(thread);
                executors.add(thread);
            } else {
                executors.add(Runnable::run);
            }
        }
        AutoCloseable resources = () -> {
            threads.forEach(ExecutorService::close);
            backends.forEach(Backend::close);
        };
        List<TensorParallelModelRunner.Worker> workers;
        try {
            workers = TensorParallelModelRunner.loadWorkers(executors, w -> {
                int[] ranks = new int[tp / workerCount];
                Arrays.setAll(ranks, i -> i + ranks.length * w);
                return Qwen2TpEngine.load(plan, ranks, backends.get(w), collectives.apply(w, group.get(w)), weights);
            });
        } catch (RuntimeException e) {
            threads.forEach(ExecutorService::close);
            backends.forEach(Backend::close);
            throw e;
        }
        return new TensorParallelModelRunner(plan, "cpu-reference/tp" + tp, activations.name().toLowerCase(Locale.ROOT),
                model.maxPositionEmbeddings(), workers, resources, 0, stepTimeout);
    }
}
