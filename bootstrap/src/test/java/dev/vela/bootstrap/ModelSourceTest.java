package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --model} names a local directory, checked at once so a broken model stops start-up with
 * one line naming the file, or a hub repository, fetched once the server listens.
 */
class ModelSourceTest {

    @TempDir
    Path temp;

    private static ModelSource source(String model) {
        Map<String, String> values = new HashMap<>(Map.of("vela.model", model));
        return ModelSource.of(VelaSettings.from(ConfigProviderResolver.instance().getBuilder()
                .withSources(new CommandLineConfigSource(values, "test", 500)).build()));
    }

    @Test
    void aModelDirectoryIsCheckedAndServedFromWhereItIs() {
        Path dir = VelaServerExtension.model(ModelPreset.TINY, WeightType.FLOAT32);
        ModelSource source = source(dir.toString());
        assertInstanceOf(ModelSource.Local.class, source);
        assertEquals(dir, source.directory().path());
        assertEquals(dir.toString(), source.root());
    }

    @Test
    void aRepositoryIdIsFetchedFromTheHubLater() {
        ModelSource source = source("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B");
        assertInstanceOf(ModelSource.Hub.class, source);
        assertEquals("deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", source.root());
    }

    @Test
    void badJsonIsNamedWithItsPlace() throws IOException {
        Path dir = RandomModelWriter.write(ModelPreset.TINY, WeightType.FLOAT32, 1, temp.resolve("bad-json"));
        Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 64,\n  \"num_hidden_layers\": }", StandardCharsets.UTF_8);
        StartupException e = assertThrows(StartupException.class, () -> source(dir.toString()));
        assertEquals("the model in " + dir + " cannot be served: config.json: not valid JSON (line 2, column 24)",
                e.getMessage());
    }

    @Test
    void aMissingTokenizerIsNamed() throws IOException {
        Path dir = RandomModelWriter.write(ModelPreset.TINY, WeightType.FLOAT32, 1, temp.resolve("no-tokenizer"));
        Files.delete(dir.resolve("tokenizer.json"));
        StartupException e = assertThrows(StartupException.class, () -> source(dir.toString()));
        assertEquals("the model in " + dir + " cannot be served: tokenizer.json: missing (looked for "
                + dir.resolve("tokenizer.json").toAbsolutePath() + ")", e.getMessage());
    }

    @Test
    void aPathThatIsNeitherADirectoryNorARepositoryIdIsNamed() {
        Path missing = temp.resolve("models").resolve("nothing-here");
        StartupException e = assertThrows(StartupException.class, () -> source(missing.toString()));
        assertEquals("--model " + missing + ": no such directory, and not a Hugging Face repository id (org/name)",
                e.getMessage());
    }
}
