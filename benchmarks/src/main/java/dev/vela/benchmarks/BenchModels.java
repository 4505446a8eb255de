package dev.vela.benchmarks;

import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import java.nio.file.Files;
import java.nio.file.Path;

/** Random-weight models with real dimensions, written once into a cache the benchmarks share. */
final class BenchModels {

    private BenchModels() {
    }

    static Path cacheDir() {
        String configured = System.getProperty("vela.bench.cache");
        return configured != null ? Path.of(configured) : Path.of(System.getProperty("user.home"), ".cache", "vela", "bench-models");
    }

    static Path model(ModelPreset preset, WeightType type) {
        Path dir = cacheDir().resolve(preset.modelName() + "-" + type.torchName() + "-v1");
        if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
            System.out.println("writing " + preset.modelName() + " (" + type.torchName() + ") into " + dir + " ...");
            RandomModelWriter.write(preset, type, 2025, dir);
        }
        return dir;
    }
}
