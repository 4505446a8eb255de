package dev.vela.adapters.gpu.reference;

import dev.vela.adapters.gpu.tp.Backend;
import dev.vela.adapters.gpu.tp.Collective;
import dev.vela.adapters.gpu.tp.ElementType;
import dev.vela.adapters.gpu.tp.Qwen2TpEngine;
import dev.vela.adapters.gpu.tp.ShardPlan;
import dev.vela.adapters.gpu.tp.TensorParallelModelRunner;
import dev.vela.adapters.gpu.tp.WeightSource;
import dev.vela.domain.model.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** The tensor-parallel runner on the CPU reference backend, the yardstick the GPU runner is held to. */
public final class CpuReferenceRunner {

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
        ShardPlan plan = new ShardPlan(model, tp);
        int workerCount = threadPerRank ? tp : 1;
        List<Collective> collectives = CpuCollective.forWorkers(tp, workerCount);
        List<ExecutorService> threads = new ArrayList<>();
        List<TensorParallelModelRunner.Worker> workers = new ArrayList<>();
        List<Backend> backends = new ArrayList<>();
        for (int w = 0; w < workerCount; w++) {
            int[] ranks = new int[tp / workerCount];
            Arrays.setAll(ranks, i -> i + ranks.length * workers.size());
            CpuBackend backend = new CpuBackend(activations, memoryBudget);
            backends.add(backend);
            Qwen2TpEngine engine = Qwen2TpEngine.load(plan, ranks, backend, collectives.get(w), weights);
            Executor executor = Runnable::run;
            if (threadPerRank) {
                ExecutorService thread = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("cpu-rank-" + w).factory());
                threads.add(thread);
                executor = thread;
            }
            workers.add(new TensorParallelModelRunner.Worker(engine, executor));
        }
        AutoCloseable resources = () -> {
            threads.forEach(ExecutorService::close);
            backends.forEach(Backend::close);
        };
        return new TensorParallelModelRunner(plan, "cpu-reference/tp" + tp, activations.name().toLowerCase(Locale.ROOT),
                model.maxPositionEmbeddings(), workers, resources, 0);
    }
}
