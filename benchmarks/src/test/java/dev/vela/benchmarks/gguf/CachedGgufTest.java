package dev.vela.benchmarks.gguf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.vela.adapters.hf.GgmlType;
import dev.vela.adapters.hf.GgufFile;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CachedGgufTest {

    @TempDir
    Path temp;

    @Test
    void theGgufIsWrittenBesideTheModelAndReusedWhileTheModelIsUnchanged() throws IOException {
        Path dir = RandomModelWriter.write(ModelPreset.TINY, WeightType.BFLOAT16, 1, temp.resolve("tiny"));
        Path first = CachedGguf.of(dir, GgmlType.BF16);
        Object written = fileKey(first);
        Path second = CachedGguf.of(dir, GgmlType.BF16);
        assertEquals(dir.resolve("model-bf16.gguf"), second);
        assertEquals(written, fileKey(second), "the same file, not written again");
    }

    @Test
    void theGgufIsWrittenAgainWhenTheModelChanges() throws IOException {
        Path dir = RandomModelWriter.write(ModelPreset.TINY, WeightType.BFLOAT16, 1, temp.resolve("tiny"));
        Path gguf = CachedGguf.of(dir, GgmlType.BF16);
        assertEquals(true, addBos(gguf));
        Object written = fileKey(gguf);
        Path tokenizerConfig = dir.resolve("tokenizer_config.json");
        String config = Files.readString(tokenizerConfig, StandardCharsets.UTF_8);
        Files.writeString(tokenizerConfig, config.replace("\"add_bos_token\": true", "\"add_bos_token\": false"));

        Path again = CachedGguf.of(dir, GgmlType.BF16);

        assertNotEquals(written, fileKey(again), "written again");
        assertEquals(false, addBos(again));
    }

    @Test
    void aGgufChangedByHandIsWrittenAgain() throws IOException {
        Path dir = RandomModelWriter.write(ModelPreset.TINY, WeightType.BFLOAT16, 1, temp.resolve("tiny"));
        Path gguf = CachedGguf.of(dir, GgmlType.BF16);
        byte[] whole = Files.readAllBytes(gguf);
        Files.write(gguf, Arrays.copyOf(whole, whole.length / 2));

        Path again = CachedGguf.of(dir, GgmlType.BF16);

        assertEquals(whole.length, Files.size(again), "the truncated file was replaced by a whole one");
    }

    private static Object addBos(Path gguf) {
        try (GgufFile file = GgufFile.open(gguf)) {
            return file.metadata().get("tokenizer.ggml.add_bos_token");
        }
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    }
}
