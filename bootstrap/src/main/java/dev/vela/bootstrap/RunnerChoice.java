package dev.vela.bootstrap;

import dev.vela.adapters.cpu.JlamaModelRunner;
import dev.vela.adapters.cpu.PackedWeightsCache;
import dev.vela.adapters.cpu.PanamaModelRunner;
import dev.vela.adapters.gpu.Cuda;
import dev.vela.adapters.gpu.CudaModelRunner;
import dev.vela.adapters.gpu.GpuSettings;
import dev.vela.adapters.gpu.GpuUnavailableException;
import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.ModelWeights;
import dev.vela.application.port.out.Quantization;
import dev.vela.domain.model.ModelConfig;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Picks and loads the model runner the settings ask for: the tensor-parallel GPU runner
 * ({@code --device gpu}, or {@code auto} where CUDA is usable), else a CPU runner (Vela's own
 * batched one, or Jlama's), and the context length it serves.
 */
final class RunnerChoice {

    private static final Logger LOG = Logger.getLogger(RunnerChoice.class.getName());

    /** A loaded runner, the context length it serves and what to close with it. */
    record Loaded(ModelRunner runner, int maxModelLen, AutoCloseable resources) implements AutoCloseable {

        @Override
        public void close() {
            runner.close();
            try {
                resources.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not release the model's weights", e);
            }
        }
    }

    private RunnerChoice() {
    }

    /**
     * Fails at once, before anything is loaded, when {@code --device gpu} is asked for on a machine
     * where CUDA is not usable.
     *
     * @throws SettingsException naming the reason, in one line
     */
    static void checkDevice(VelaSettings settings) {
        if (settings.device() == VelaSettings.Device.GPU) {
            Cuda.Probe probe = Cuda.probe();
            if (!probe.available()) {
                throw new SettingsException("--device gpu (vela.device): no usable GPU: " + probe.reason()
                        + "; use --device cpu or auto");
            }
        }
    }

    /**
     * @throws SettingsException before anything is loaded, when {@code --max-model-len} is more than
     *                           the model's {@code max_position_embeddings}, as vLLM refuses it
     */
    static Loaded load(VelaSettings settings, HfModelDirectory model) {
        checkMaxModelLen(settings, model.config());
        boolean gpu = switch (settings.device()) {
            case GPU -> true;
            case CPU -> false;
            case AUTO -> {
                Cuda.Probe probe = Cuda.probe();
                LOG.info("--device auto: " + probe.summary() + (probe.available() ? "" : "; running on the CPU"));
                yield probe.available();
            }
        };
        if (gpu && blockQuantized(model.config())) {
            if (settings.device() == VelaSettings.Device.GPU) {
                throw new SettingsException("--device gpu (vela.device): the GPU runner does not serve "
                        + model.config().dtype() + " weights; use --device cpu or auto");
            }
            LOG.info("--device auto: the GPU runner does not serve " + model.config().dtype() + " weights; running on the CPU");
            gpu = false;
        }
        if (settings.quantization() != Quantization.NONE && (gpu || settings.cpuRunner() == VelaSettings.CpuRunner.JLAMA)) {
            throw new SettingsException("--quantization " + settings.quantization().flagValue()
                    + " (vela.quantization): only the Panama CPU runner quantizes weights, not the "
                    + (gpu ? "GPU runner" : "Jlama runner"));
        }
        if (blockQuantized(model.config()) && settings.quantization() != Quantization.NONE
                && !settings.quantization().flagValue().equals(model.config().dtype())) {
            throw new SettingsException("--quantization " + settings.quantization().flagValue() + " (vela.quantization): "
                    + "the GGUF file's matrices are " + model.config().dtype() + " blocks, served as they are; Vela does "
                    + "not quantize blocks again (a float GGUF or the safetensors model can be quantized)");
        }
        if (gpu) {
            return gpu(settings, model);
        }
        logUnusedGpuSettings(settings, model.config());
        return settings.cpuRunner() == VelaSettings.CpuRunner.JLAMA ? jlama(settings, model) : panama(settings, model);
    }

    /** Q8_0 and Q4_0 GGUF files: only the CPU runner has kernels for their blocks. */
    private static boolean blockQuantized(ModelConfig config) {
        return config.dtype().equals("q8_0") || config.dtype().equals("q4_0");
    }

    private static void checkMaxModelLen(VelaSettings settings, ModelConfig config) {
        settings.maxModelLen().filter(length -> length > config.maxPositionEmbeddings()).ifPresent(length -> {
            throw new SettingsException("--max-model-len (vela.max-model-len) must be at most the model's "
                    + "max_position_embeddings (" + config.maxPositionEmbeddings() + "), got '" + length + "'");
        });
    }

    /** A CPU runner runs on this host's cores in float32; say so when the command line asks for GPU things. */
    private static void logUnusedGpuSettings(VelaSettings settings, ModelConfig config) {
        if (settings.tensorParallelSize() != 1
                || settings.gpuMemoryUtilization() != VelaSettings.DEFAULT_GPU_MEMORY_UTILIZATION) {
            LOG.info("A CPU runner does not use --tensor-parallel-size " + settings.tensorParallelSize()
                    + " or --gpu-memory-utilization " + settings.gpuMemoryUtilization() + " (GPU runner settings)");
        }
        if (!"auto".equals(settings.dtype())) {
            LOG.info("A CPU runner computes in float32 with the weights as stored (" + config.dtype()
                    + "); --dtype " + settings.dtype() + " applies to the GPU runner");
        }
    }

    private static Loaded gpu(VelaSettings settings, HfModelDirectory model) {
        ModelConfig config = model.config();
        int maxModelLen = settings.maxModelLen().orElse(config.maxPositionEmbeddings());
        GpuSettings gpu = GpuSettings.defaults()
                .withTensorParallelSize(settings.tensorParallelSize())
                .withGpuMemoryUtilization(settings.gpuMemoryUtilization())
                .withDtype(gpuDtype(settings.dtype()))
                .withMaxNumBatchedTokens(settings.maxNumBatchedTokens())
                .withMaxModelLen(maxModelLen);
        // the GPU runner copies the weights onto its devices, so the mapping is released right after
        try (ModelWeights weights = model.openWeights()) {
            return new Loaded(CudaModelRunner.load(config, weights, gpu), maxModelLen, () -> { });
        } catch (GpuUnavailableException | IllegalArgumentException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    private static String gpuDtype(String dtype) {
        return switch (dtype) {
            case "auto", "bfloat16" -> dtype;
            case "half", "float16" -> "float16";
            default -> throw new SettingsException("--dtype " + dtype + " (vela.dtype): the GPU runner computes in "
                    + "bfloat16 or float16");
        };
    }

    private static Loaded panama(VelaSettings settings, HfModelDirectory model) {
        ModelConfig config = model.config();
        int maxModelLen = settings.maxModelLen().orElseGet(() -> {
            long fits = PanamaModelRunner.positionsFor(config, settings.kvCacheMemoryBytes(), settings.blockSize());
            if (fits == 0) {
                throw new SettingsException("--kv-cache-memory (vela.kv-cache-memory) " + settings.kvCacheMemoryBytes()
                        + " bytes does not hold one KV block of " + settings.blockSize() + " positions of this model ("
                        + PanamaModelRunner.bytesFor(config, settings.blockSize()) + " bytes)");
            }
            if (fits < config.maxPositionEmbeddings()) {
                LOG.info("max-model-len " + fits + ": what the KV cache holds (the model allows "
                        + config.maxPositionEmbeddings() + "; --kv-cache-memory gives it more room)");
            }
            return (int) Math.min(config.maxPositionEmbeddings(), fits);
        });
        ModelWeights weights = model.openWeights();
        try {
            Path packed = PackedWeightsCache.under(settings.cacheDir()).prepare(model.path());
            return new Loaded(PanamaModelRunner.load(config, weights, settings.quantization(), settings.cpuThreads(), packed),
                    maxModelLen, weights);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    private static Loaded jlama(VelaSettings settings, HfModelDirectory model) {
        if (model.isGguf()) {
            throw new SettingsException("--cpu-runner jlama reads safetensors model directories only; a GGUF file is "
                    + "served by the default runner (--cpu-runner panama)");
        }
        ModelConfig config = model.config();
        int maxModelLen = settings.maxModelLen().orElse(JlamaModelRunner.maxPositions(config));
        return new Loaded(JlamaModelRunner.load(model.path(), config, maxModelLen), maxModelLen, () -> { });
    }
}
