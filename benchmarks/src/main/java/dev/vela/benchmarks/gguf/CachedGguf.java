package dev.vela.benchmarks.gguf;

import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.GgmlType;
import dev.vela.adapters.hf.random.Qwen2GgufWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A model directory's GGUF, kept beside its Hugging Face files ({@code model-bf16.gguf}) with a
 * stamp ({@code model-bf16.gguf.source}) of what it was written from: the size and modification
 * time of every source file, the writer's {@link Qwen2GgufWriter#REVISION} and the GGUF's own size
 * and time. When any of them differs the GGUF is written again.
 */
public final class CachedGguf {

    private static final List<String> SOURCES = List.of("config.json", "generation_config.json", "tokenizer.json",
            "tokenizer_config.json", "model.safetensors.index.json");

    private CachedGguf() {
    }

    /** The GGUF of {@code modelDir} with matrices as {@code type}, written first if it is missing or stale. */
    public static Path of(Path modelDir, GgmlType type) throws IOException {
        Path gguf = modelDir.resolve("model-" + type.name().toLowerCase(Locale.ROOT) + ".gguf");
        Path stamp = gguf.resolveSibling(gguf.getFileName() + ".source");
        String sources = sources(modelDir, type);
        if (Files.isRegularFile(stamp)
                && Files.readString(stamp, StandardCharsets.UTF_8).equals(sources + describe(gguf))) {
            return gguf;
        }
        Files.deleteIfExists(stamp);
        Qwen2GgufWriter.write(modelDir, gguf, type);
        Files.writeString(stamp, sources + describe(gguf), StandardCharsets.UTF_8);
        return gguf;
    }

    private static String sources(Path modelDir, GgmlType type) throws IOException {
        List<Path> files = new ArrayList<>();
        SOURCES.forEach(name -> files.add(modelDir.resolve(name)));
        files.addAll(HfModelDirectory.open(modelDir).modelFiles());
        StringBuilder text = new StringBuilder("Qwen2GgufWriter " + Qwen2GgufWriter.REVISION + " " + type + "\n");
        for (Path file : files) {
            text.append(describe(file));
        }
        return text.toString();
    }

    private static String describe(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return file.getFileName() + " absent\n";
        }
        return file.getFileName() + " " + Files.size(file) + " " + Files.getLastModifiedTime(file).toMillis() + "\n";
    }
}
