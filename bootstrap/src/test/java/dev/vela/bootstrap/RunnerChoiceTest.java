package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.cpu.PackedWeightsCache;
import dev.vela.adapters.hf.GgmlType;
import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.Qwen2GgufWriter;
import dev.vela.adapters.hf.random.WeightType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The runner is chosen and loaded for the model; what the model cannot serve is refused first. */
class RunnerChoiceTest {

    private static VelaSettings settings(Map<String, String> values) {
        return VelaSettings.from(ConfigProviderResolver.instance().getBuilder()
                .withSources(new CommandLineConfigSource(values, "test", 500)).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"panama", "jlama"})
    void aMaxModelLenAboveTheModelsPositionsIsRefusedBeforeLoading(String cpuRunner) {
        Path model = VelaServerExtension.model(ModelPreset.TINY, WeightType.FLOAT32);
        VelaSettings settings = settings(Map.of("vela.model", model.toString(), "vela.device", "cpu",
                "vela.cpu-runner", cpuRunner, "vela.max-model-len", "2049"));
        SettingsException e = assertThrows(SettingsException.class,
                () -> RunnerChoice.load(settings, HfModelDirectory.open(model)));
        assertEquals("--max-model-len (vela.max-model-len) must be at most the model's max_position_embeddings (2048), "
                + "got '2049'", e.getMessage());
    }

    @Test
    void thePanamaRunnerPacksIntoTheModelsOwnDirectoryAndRemovesFilesLeftInTheSharedOne(@TempDir Path cache) throws Exception {
        Path model = VelaServerExtension.model(ModelPreset.TINY, WeightType.FLOAT32);
        Path packed = Files.createDirectories(cache.resolve("packed"));
        Path shared = Files.writeString(packed.resolve("lm_head.weight-280bdfe45708.bin"), "from an older Vela");
        VelaSettings settings = settings(Map.of("vela.model", model.toString(), "vela.device", "cpu",
                "vela.cpu-runner", "panama", "vela.cache-dir", cache.toString()));
        try (RunnerChoice.Loaded loaded = RunnerChoice.load(settings, HfModelDirectory.open(model))) {
            assertEquals("cpu/panama", loaded.runner().info().engine());
        }
        assertTrue(Files.notExists(shared));
        try (var own = Files.list(PackedWeightsCache.under(cache).directoryOf(model))) {
            assertTrue(own.anyMatch(file -> file.getFileName().toString().startsWith("lm_head.weight-")));
        }
    }

    @ParameterizedTest(name = "blocks of {0}: {1} positions")
    @CsvSource({"16, 1952", "10, 1950", "1, 1953"})
    void theContextDerivedFromTheKvBudgetIsWholeBlocksThatTheCacheHolds(int blockSize, int positions, @TempDir Path cache) {
        // tiny: (k, v) x 2 layers x 2 kv heads x 16 floats x 4 bytes = 512 bytes per position; 1,953.1 fit
        Path model = VelaServerExtension.model(ModelPreset.TINY, WeightType.FLOAT32);
        VelaSettings settings = settings(Map.of("vela.model", model.toString(), "vela.device", "cpu",
                "vela.cpu-runner", "panama", "vela.cache-dir", cache.toString(),
                "vela.kv-cache-memory", "1000000", "vela.block-size", String.valueOf(blockSize)));
        try (RunnerChoice.Loaded loaded = RunnerChoice.load(settings, HfModelDirectory.open(model))) {
            assertEquals(positions, loaded.maxModelLen());
            assertEquals(positions, (long) loaded.runner().allocateKvCache(blockSize, 1_000_000) * blockSize);
        }
    }

    @Test
    void aKvBudgetBelowOneBlockIsRefusedBeforeLoading() {
        Path model = VelaServerExtension.model(ModelPreset.TINY, WeightType.FLOAT32);
        VelaSettings settings = settings(Map.of("vela.model", model.toString(), "vela.device", "cpu",
                "vela.cpu-runner", "panama", "vela.kv-cache-memory", "8191", "vela.block-size", "16"));
        SettingsException e = assertThrows(SettingsException.class,
                () -> RunnerChoice.load(settings, HfModelDirectory.open(model)));
        assertEquals("--kv-cache-memory (vela.kv-cache-memory) 8191 bytes does not hold one KV block of 16 positions "
                + "of this model (8192 bytes)", e.getMessage());
    }

    @Test
    void aQ4FileIsRefusedByTheRunnersWithoutBlockKernelsAndIsNotQuantizedAgain(@TempDir Path temp) throws Exception {
        Path tokenizer = VelaServerExtension.model(ModelPreset.TINY, WeightType.FLOAT32);
        Path gguf = temp.resolve("tiny.gguf");
        Qwen2GgufWriter.write(tokenizer, gguf, GgmlType.Q4_0);
        HfModelDirectory model = HfModelDirectory.gguf(gguf, tokenizer);
        Map<String, String> common = Map.of("vela.model", gguf.toString(), "vela.tokenizer", tokenizer.toString());
        SettingsException jlama = assertThrows(SettingsException.class, () -> RunnerChoice.load(
                settings(with(common, "vela.device", "cpu", "vela.cpu-runner", "jlama")), model));
        assertEquals("--cpu-runner jlama reads safetensors model directories only; a GGUF file is served by the "
                + "default runner (--cpu-runner panama)", jlama.getMessage());
        SettingsException gpu = assertThrows(SettingsException.class,
                () -> RunnerChoice.load(settings(with(common, "vela.device", "gpu")), model));
        assertEquals("--device gpu (vela.device): the GPU runner does not serve q4_0 weights; use --device cpu or auto",
                gpu.getMessage());
        SettingsException requantized = assertThrows(SettingsException.class, () -> RunnerChoice.load(
                settings(with(common, "vela.device", "cpu", "vela.quantization", "q8_0")), model));
        assertEquals("--quantization q8_0 (vela.quantization): the GGUF file's matrices are q4_0 blocks, served as they "
                + "are; Vela does not quantize blocks again (a float GGUF or the safetensors model can be quantized)",
                requantized.getMessage());
    }

    private static Map<String, String> with(Map<String, String> values, String... more) {
        Map<String, String> all = new java.util.HashMap<>(values);
        for (int i = 0; i < more.length; i += 2) {
            all.put(more[i], more[i + 1]);
        }
        return all;
    }
}
