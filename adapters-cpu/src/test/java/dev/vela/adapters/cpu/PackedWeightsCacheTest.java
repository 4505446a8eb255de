package dev.vela.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each model's packed weights have a directory of their own, and those no model uses any more are removed. */
class PackedWeightsCacheTest {

    @Test
    void eachModelDirectoryHasItsOwnDirectoryOfPackedWeights() {
        Path packed = Path.of("/cache/packed");
        PackedWeightsCache cache = new PackedWeightsCache(packed);
        Path model = Path.of("/models/Qwen2.5-0.5B");
        Path directory = cache.directoryOf(model);
        assertEquals(packed, directory.getParent());
        assertTrue(directory.getFileName().toString().startsWith("Qwen2.5-0.5B-"), directory.toString());
        assertEquals(directory, cache.directoryOf(Path.of("/models/other/../Qwen2.5-0.5B")));
        assertNotEquals(directory, cache.directoryOf(Path.of("/elsewhere/Qwen2.5-0.5B")));
    }

    @Test
    void packedWeightsOfAModelThatIsGoneOrOfAnOlderSnapshotAreRemoved(@TempDir Path root) throws Exception {
        Path snapshots = Files.createDirectories(root.resolve("hub/models--Qwen--Qwen2.5-0.5B/snapshots"));
        Path older = Files.createDirectories(snapshots.resolve("aaaa"));
        Path current = Files.createDirectories(snapshots.resolve("bbbb"));
        Path local = Files.createDirectories(root.resolve("models/mine"));
        Path gguf = Files.writeString(root.resolve("models/mine.q4_0.gguf"), "GGUF");
        Path packed = Files.createDirectories(root.resolve("cache/packed"));
        PackedWeightsCache cache = new PackedWeightsCache(packed);
        Path gone = root.resolve("models/deleted");
        for (Path model : List.of(older, local, gguf, gone)) {
            Files.createDirectories(cache.directoryOf(model));
            Files.writeString(cache.directoryOf(model).resolve("w.bin"), "packed");
            cache.removeStaleDirectories(model);
        }
        Path unknown = Files.createDirectories(packed.resolve("from-an-older-vela"));
        Files.writeString(unknown.resolve("w.bin"), "packed");

        cache.removeStaleDirectories(current);

        assertTrue(Files.notExists(cache.directoryOf(older)), "an older snapshot of the same hub model");
        assertTrue(Files.notExists(cache.directoryOf(gone)), "a model directory that no longer exists");
        assertTrue(Files.exists(cache.directoryOf(local).resolve("w.bin")), "another model");
        assertTrue(Files.exists(cache.directoryOf(gguf).resolve("w.bin")), "another model, a GGUF file");
        assertTrue(Files.exists(unknown.resolve("w.bin")), "a directory that does not say where it came from");
        assertEquals(current.toAbsolutePath().normalize().toString(),
                Files.readString(cache.directoryOf(current).resolve("source")));
    }

    @Test
    void packedFilesLeftInTheSharedDirectoryAreRemovedAndOtherFilesKept(@TempDir Path cacheDir) throws Exception {
        Path packed = Files.createDirectories(cacheDir.resolve("packed"));
        Path bin = Files.writeString(packed.resolve("lm_head.weight-280bdfe45708.bin"), "from an older Vela");
        Path partial = Files.writeString(packed.resolve("lm_head.weight-280bdfe45708.bin.partial"), "cut short");
        Path other = Files.writeString(packed.resolve("notes.txt"), "the user's");
        Path model = Files.createDirectories(cacheDir.resolve("models/mine"));

        Path directory = PackedWeightsCache.under(cacheDir).prepare(model);

        assertEquals(new PackedWeightsCache(packed).directoryOf(model), directory);
        assertTrue(Files.isDirectory(directory));
        assertTrue(Files.notExists(bin));
        assertTrue(Files.notExists(partial));
        assertTrue(Files.exists(other));
    }
}
