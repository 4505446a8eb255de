package dev.vela.bootstrap;

import dev.vela.adapters.cpu.JlamaModelRunner;
import dev.vela.adapters.cpu.PanamaModelRunner;
import dev.vela.adapters.gpu.Cuda;
import dev.vela.adapters.gpu.CudaModelRunner;
import dev.vela.adapters.gpu.GpuSettings;
import dev.vela.adapters.gpu.GpuUnavailableException;
import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.domain.model.ModelConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.logging.Logger;

/**
 * Picks and loads the model runner the settings ask for: the tensor-parallel GPU runner
 * ({@code --device gpu}, or {@code auto} where CUDA is usable), else a CPU runner (Vela's own
 * batched one, or Jlama's), and the context length it serves.
 */
final class RunnerChoice {

    private static final Logger LOG = Logger.getLogger(RunnerChoice.class.getName());
    /** The file in a packed directory that names the model directory it was packed from. */
    private static final String SOURCE = "source";

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
        if (gpu) {
            return gpu(settings, model);
        }
        logUnusedGpuSettings(settings, model.config());
        return settings.cpuRunner() == VelaSettings.CpuRunner.JLAMA ? jlama(settings, model) : panama(settings, model);
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
        try (SafetensorsModelWeights weights = SafetensorsModelWeights.open(model.modelFiles())) {
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
        SafetensorsModelWeights weights = SafetensorsModelWeights.open(model.modelFiles());
        try {
            // the repacked matrices are kept, memory-mapped, in a directory of the model's own: a
            // restart maps them at once, and files of an earlier version of its weights are removed
            Path packed = settings.cacheDir().resolve("packed");
            removeSharedPackedFiles(packed);
            removeStalePackedDirectories(packed, model.path());
            return new Loaded(PanamaModelRunner.load(config, weights, settings.cpuThreads(),
                    packedDirectory(packed, model.path())), maxModelLen, weights);
        } catch (RuntimeException e) {
            weights.close();
            throw e;
        }
    }

    /**
     * {@code packed/<model directory name>-<digest of its absolute path>}: one directory per model
     * directory, so that removing one model's unused files never touches another's.
     */
    static Path packedDirectory(Path packed, Path model) {
        Path absolute = model.toAbsolutePath().normalize();
        String name = absolute.getFileName() == null ? "model" : absolute.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(absolute.toString().getBytes(StandardCharsets.UTF_8));
            return packed.resolve(name + "-" + HexFormat.of().formatHex(digest, 0, 6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /**
     * Records in {@code model}'s packed directory which model directory it holds (a file named
     * {@value #SOURCE}), and deletes the packed directories that say their model directory is gone or,
     * when {@code model} is a snapshot of a hub model, that it is another snapshot of the same model
     * (only the revision being served keeps its packed copy; going back to another packs it again).
     * Directories without that file are left alone. A Vela still running on a deleted directory
     * keeps its mapped files.
     */
    static void removeStalePackedDirectories(Path packed, Path model) {
        Path own = packedDirectory(packed, model);
        Path absolute = model.toAbsolutePath().normalize();
        try {
            Files.createDirectories(own);
            Files.writeString(own.resolve(SOURCE), absolute.toString());
            try (var listing = Files.list(packed)) {
                for (Path directory : listing.filter(Files::isDirectory).filter(d -> !d.equals(own)).toList()) {
                    Path source = directory.resolve(SOURCE);
                    if (Files.isRegularFile(source)) {
                        Path from = Path.of(Files.readString(source).strip());
                        if (!Files.isDirectory(from) || otherSnapshot(from, absolute)) {
                            deleteDirectory(directory);
                            LOG.info("Removed packed weights no model uses any more: " + directory + " (from " + from + ")");
                        }
                    }
                }
            }
        } catch (IOException | UncheckedIOException | InvalidPathException e) {
            LOG.warning("Could not tidy the packed weights in " + packed + " (" + e.getMessage() + ")");
        }
    }

    /** Whether {@code other} is another snapshot of the hub model {@code model} is a snapshot of. */
    private static boolean otherSnapshot(Path other, Path model) {
        Path snapshots = model.getParent();
        return snapshots != null && snapshots.getFileName() != null && "snapshots".equals(snapshots.getFileName().toString())
                && snapshots.equals(other.getParent()) && !other.equals(model);
    }

    private static void deleteDirectory(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(directory);
    }

    /**
     * Deletes packed files lying directly in {@code packed}, where Vela kept every model's before
     * each model had a directory of its own: nothing would ever remove them (gigabytes each).
     */
    private static void removeSharedPackedFiles(Path packed) {
        if (!Files.isDirectory(packed)) {
            return;
        }
        try (var listing = Files.list(packed)) {
            for (Path file : listing.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".bin") || name.endsWith(".partial")) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warning("Could not remove old packed weights in " + packed + " (" + e.getMessage() + ")");
        }
    }

    private static Loaded jlama(VelaSettings settings, HfModelDirectory model) {
        ModelConfig config = model.config();
        int maxModelLen = settings.maxModelLen().orElse(JlamaModelRunner.maxPositions(config));
        return new Loaded(JlamaModelRunner.load(model.path(), config, maxModelLen), maxModelLen, () -> { });
    }
}
