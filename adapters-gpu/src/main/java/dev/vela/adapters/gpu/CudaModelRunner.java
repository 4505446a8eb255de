package dev.vela.adapters.gpu;

import dev.vela.adapters.gpu.cuda.Cublas;
import dev.vela.adapters.gpu.cuda.CudaBackend;
import dev.vela.adapters.gpu.cuda.CudaDriver;
import dev.vela.adapters.gpu.cuda.DeviceThread;
import dev.vela.adapters.gpu.cuda.NativeLibraries;
import dev.vela.adapters.gpu.cuda.Nccl;
import dev.vela.adapters.gpu.cuda.NcclCollective;
import dev.vela.adapters.gpu.cuda.SameDeviceCollective;
import dev.vela.adapters.gpu.tp.Collective;
import dev.vela.adapters.gpu.tp.ElementType;
import dev.vela.adapters.gpu.tp.ModelWeightsSource;
import dev.vela.adapters.gpu.tp.Qwen2TpEngine;
import dev.vela.adapters.gpu.tp.ShardPlan;
import dev.vela.adapters.gpu.tp.TensorParallelModelRunner;
import dev.vela.adapters.gpu.tp.WeightSource;
import dev.vela.application.port.out.LogitsSink;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.ModelWeights;
import dev.vela.application.port.out.RunnerInfo;
import dev.vela.application.port.out.SequenceSlice;
import dev.vela.domain.model.ModelConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.logging.Logger;
import java.util.stream.IntStream;

/**
 * A {@link ModelRunner} on CUDA devices: a Qwen2 model split over {@code --tensor-parallel-size}
 * GPUs (one rank, one {@link DeviceThread}, one NCCL communicator each), or, with
 * {@link GpuSettings#logicalRanks()}, over logical ranks of the first GPU joined by the same-device
 * all-reduce. The weights stream from the memory-mapped files to the devices; the KV cache is
 * paged with the engine's block tables and takes what {@code --gpu-memory-utilization} leaves.
 * The GPUs load their shards in parallel, each on its own thread.
 * Not thread-safe: one engine thread calls it, and it talks to the devices through their threads.
 */
public final class CudaModelRunner implements ModelRunner {

    private static final Logger LOG = Logger.getLogger(CudaModelRunner.class.getName());

    /**
     * How long one step may take on every GPU before the runner counts it as failed (a rank stuck in
     * an all-reduce whose peer died): vLLM's default for {@code VLLM_EXECUTE_MODEL_TIMEOUT_SECONDS}.
     * A rank that throws ends the step on every rank at once, without waiting for this.
     */
    static final Duration STEP_TIMEOUT = Duration.ofSeconds(300);

    /** Kept free on each device for cuBLAS's workspace and the driver when the KV cache is sized. */
    static final long HEADROOM = 256L << 20;

    private final TensorParallelModelRunner runner;

    private CudaModelRunner(TensorParallelModelRunner runner) {
        this.runner = runner;
    }

    /**
     * Loads {@code model} from its memory-mapped {@code weights} onto the GPUs {@code settings} asks for.
     *
     * @throws GpuUnavailableException when this machine has no usable GPU (one line saying why)
     * @throws IllegalArgumentException when the model cannot be split so ({@link ShardPlan}) or the settings
     *                                  ask for more GPUs than are visible
     */
    public static CudaModelRunner load(ModelConfig model, ModelWeights weights, GpuSettings settings) {
        return load(model, new ModelWeightsSource(weights), settings);
    }

    /** Loads {@code model} with weights from any source, e.g. generated on the devices for benchmarks. */
    public static CudaModelRunner load(ModelConfig model, WeightSource weights, GpuSettings settings) {
        Cuda.Probe probe = Cuda.probe();
        if (!probe.available()) {
            throw new GpuUnavailableException(probe.reason());
        }
        ShardPlan plan = new ShardPlan(model, settings.tensorParallelSize());
        int tp = settings.tensorParallelSize();
        int deviceCount = settings.logicalRanks() ? 1 : tp;
        if (probe.devices().size() < deviceCount) {
            throw new IllegalArgumentException("--tensor-parallel-size " + tp + " needs " + tp + " GPUs, but "
                    + probe.devices().size() + " are visible (CUDA_VISIBLE_DEVICES=" + probe.cudaVisibleDevices() + ")");
        }
        ElementType activations = settings.activationType(model);
        int maxPositions = settings.maxPositions(model);
        CudaDriver driver;
        Cublas cublas;
        try {
            driver = CudaDriver.get();
            cublas = Cublas.get();
        } catch (NativeLibraries.NotFound e) {
            throw new GpuUnavailableException(e.getMessage());
        }
        List<DeviceThread> threads = new ArrayList<>();
        List<CudaBackend> backends = new ArrayList<>();
        List<Collective> collectives = new ArrayList<>();
        AutoCloseable closer = () -> {
            Collections.reverse(collectives);
            collectives.forEach(Collective::close);
            backends.forEach(CudaBackend::close);
            threads.forEach(DeviceThread::close);
        };
        try {
            for (int device = 0; device < deviceCount; device++) {
                DeviceThread thread = DeviceThread.start(driver, device);
                threads.add(thread);
                backends.add(CudaBackend.open(thread, cublas, activations, settings.gpuMemoryUtilization()));
            }
            String ncclInUse = "";
            if (deviceCount > 1) {
                Nccl nccl = nccl();
                ncclInUse = Nccl.versionName(nccl.version()) + " (" + nccl.path() + ")";
                collectives.addAll(NcclCollective.across(nccl, backends));
            } else {
                CudaBackend only = backends.getFirst();
                collectives.add(only.thread().call(() -> new SameDeviceCollective(only)));
            }
            LOG.info(startupLine(probe, cublas.version(), cublas.path(), ncclInUse, backends.getFirst().kernelImage()));
            int ranksPerDevice = tp / deviceCount;
            int tokens = settings.maxNumBatchedTokens();
            List<DeviceThread> executors = backends.stream().map(CudaBackend::thread).toList();
            List<TensorParallelModelRunner.Worker> workers = TensorParallelModelRunner.loadWorkers(executors, device -> {
                int[] ranks = IntStream.range(device * ranksPerDevice, (device + 1) * ranksPerDevice).toArray();
                CudaBackend backend = backends.get(device);
                Qwen2TpEngine loaded = Qwen2TpEngine.load(plan, ranks, backend, collectives.get(device), weights);
                loaded.reserve(tokens, Math.min(tokens, Qwen2TpEngine.LOGIT_ROWS));
                backend.reserveAttention(tokens, plan.qHeadsPerRank(), plan.headDim(), maxPositions);
                return loaded;
            });
            String engineName = "cuda/tp" + tp + (settings.logicalRanks() && tp > 1 ? "-logical" : "");
            return new CudaModelRunner(new TensorParallelModelRunner(plan, engineName,
                    activations == ElementType.BF16 ? "bfloat16" : "float16", maxPositions, workers, closer, HEADROOM,
                    STEP_TIMEOUT));
        } catch (RuntimeException e) {
            try {
                closer.close();
            } catch (Exception suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The driver and libraries in use, for the start-up log: what to quote when a deployment misbehaves. */
    static String startupLine(Cuda.Probe probe, String cublasVersion, String cublasPath, String ncclInUse,
                              String kernelImage) {
        return "GPU: CUDA driver " + Cuda.versionName(probe.driverVersion()) + " (" + probe.libcuda() + "), cuBLAS "
                + cublasVersion + " (" + cublasPath + ")" + (ncclInUse.isEmpty() ? "" : ", NCCL " + ncclInUse)
                + ", kernels from " + kernelImage + "; " + probe.devices();
    }

    private static Nccl nccl() {
        try {
            return Nccl.get();
        } catch (NativeLibraries.NotFound e) {
            throw new GpuUnavailableException("tensor parallelism over several GPUs needs NCCL: " + e.getMessage());
        }
    }

    @Override
    public RunnerInfo info() {
        return runner.info();
    }

    /**
     * Sizes the paged cache: {@code memoryBytes} per GPU, or when 0 what {@code --gpu-memory-utilization}
     * leaves on the fullest GPU after the weights and workspace, less {@value #HEADROOM} bytes of headroom.
     */
    @Override
    public int allocateKvCache(int blockSize, long memoryBytes) {
        return runner.allocateKvCache(blockSize, memoryBytes);
    }

    @Override
    public void execute(List<SequenceSlice> batch, LogitsSink logits) {
        runner.execute(batch, logits);
    }

    @Override
    public void release(long sequenceId) {
        runner.release(sequenceId);
    }

    @Override
    public void close() {
        runner.close();
    }

    @Override
    public String toString() {
        return info().engine() + " " + info().dtype().toLowerCase(Locale.ROOT);
    }
}
