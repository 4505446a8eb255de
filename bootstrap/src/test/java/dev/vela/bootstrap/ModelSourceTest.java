package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.hf.GgmlType;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.Qwen2GgufWriter;
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
 * one line naming the file, a hub repository, fetched once the server listens, or a GGUF file with
 * its {@code --tokenizer}.
 */
class ModelSourceTest {

    @TempDir
    Path temp;

    private static ModelSource source(String model) {
        return source(Map.of("vela.model", model));
    }

    private static ModelSource source(Map<String, String> settings) {
        Map<String, String> values = new HashMap<>(settings);
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

    @Test
    void aGgufFileIsCheckedWithItsTokenizerDirectory() throws IOException {
        Path tokenizer = VelaServerExtension.model(ModelPreset.TINY, WeightType.FLOAT32);
        Path gguf = temp.resolve("tiny-q8_0.gguf");
        Qwen2GgufWriter.write(tokenizer, gguf, GgmlType.Q8_0);
        ModelSource source = source(Map.of("vela.model", gguf.toString(), "vela.tokenizer", tokenizer.toString()));
        assertInstanceOf(ModelSource.Local.class, source);
        assertEquals(gguf.toString(), source.root());
        assertEquals(gguf, source.directory().path());
        assertEquals("q8_0", source.directory().config().dtype());
        assertEquals(tokenizer.resolve("tokenizer.json"), source.directory().tokenizerJson());
        assertTrue(source.directory().chatTemplate().isPresent(), "the tokenizer directory's chat template");
        ModelSource hub = source(Map.of("vela.model", gguf.toString(), "vela.tokenizer", "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B"));
        assertInstanceOf(ModelSource.GgufWithHubTokenizer.class, hub);
    }

    @Test
    void aGgufFileWithoutATokenizerIsRefusedSayingWhatToGive() throws IOException {
        Path gguf = Files.writeString(temp.resolve("model.gguf"), "GGUF");
        StartupException e = assertThrows(StartupException.class, () -> source(gguf.toString()));
        assertEquals("--model " + gguf + " is a GGUF file: --tokenizer must name its Hugging Face tokenizer (a directory "
                + "or a hub repository id), as vLLM requires", e.getMessage());
        StartupException missing = assertThrows(StartupException.class, () -> source(temp.resolve("gone.gguf").toString()));
        assertEquals("--model " + temp.resolve("gone.gguf") + ": no such GGUF file", missing.getMessage());
    }

    @Test
    void aGgufFileOfAnotherArchitectureStopsStartUpInOneLine() throws IOException {
        Path tokenizer = VelaServerExtension.model(ModelPreset.TINY, WeightType.FLOAT32);
        Path gguf = temp.resolve("llama.gguf");
        Qwen2GgufWriter.write(tokenizer, gguf, GgmlType.F32);
        byte[] bytes = Files.readAllBytes(gguf);
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("qwen2");
        System.arraycopy("llama".getBytes(StandardCharsets.US_ASCII), 0, bytes, at, 5);
        Files.write(gguf, bytes);
        StartupException e = assertThrows(StartupException.class,
                () -> source(Map.of("vela.model", gguf.toString(), "vela.tokenizer", tokenizer.toString())));
        assertEquals("the GGUF file " + gguf + " cannot be served: llama.gguf: its architecture is llama; Vela serves "
                + "GGUF files of the qwen2 architecture only", e.getMessage());
    }

    @Test
    void aTruncatedGgufFileStopsStartUpNamingIt() throws IOException {
        Path tokenizer = VelaServerExtension.model(ModelPreset.TINY, WeightType.FLOAT32);
        Path gguf = temp.resolve("cut.gguf");
        Qwen2GgufWriter.write(tokenizer, gguf, GgmlType.Q4_0);
        byte[] bytes = Files.readAllBytes(gguf);
        Files.write(gguf, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        StartupException e = assertThrows(StartupException.class,
                () -> source(Map.of("vela.model", gguf.toString(), "vela.tokenizer", tokenizer.toString())));
        assertTrue(e.getMessage().startsWith("the GGUF file " + gguf + " cannot be served: cut.gguf: truncated; tensor "),
                e.getMessage());
    }

    @Test
    void aTokenizerForAModelDirectoryIsRefusedNotIgnored() {
        Path dir = VelaServerExtension.model(ModelPreset.TINY, WeightType.FLOAT32);
        SettingsException e = assertThrows(SettingsException.class,
                () -> source(Map.of("vela.model", dir.toString(), "vela.tokenizer", dir.toString())));
        assertEquals("--tokenizer (vela.tokenizer) is read for a GGUF --model only; a model directory or hub model brings "
                + "its own tokenizer", e.getMessage());
    }
}
