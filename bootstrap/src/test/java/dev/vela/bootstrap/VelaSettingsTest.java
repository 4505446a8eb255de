package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Settings are checked whichever source they come from (-D, environment, properties file), and a
 * bad one is one line that names the flag and the key.
 */
class VelaSettingsTest {

    private static VelaSettings settings(String... keyValues) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return VelaSettings.from(ConfigProviderResolver.instance().getBuilder()
                .withSources(new CommandLineConfigSource(values, "test", 500)).build());
    }

    private static String refusal(String... keyValues) {
        return assertThrows(SettingsException.class, () -> settings(keyValues)).getMessage();
    }

    @Test
    void defaultsAreVllms() {
        VelaSettings defaults = settings();
        assertEquals(16, defaults.blockSize());
        assertEquals(0, defaults.kvCacheMemoryBytes());
        assertEquals(VelaSettings.Device.AUTO, defaults.device());
        assertEquals("auto", defaults.dtype());
        assertEquals(20, defaults.maxLogprobs());
        assertTrue(defaults.prefixCaching());
        assertTrue(defaults.docsEnabled());
        assertEquals(Optional.empty(), defaults.apiKey());
        assertEquals(32L << 20, defaults.maxRequestBytes());
        assertEquals(30, defaults.shutdownTimeoutSeconds());
    }

    @Test
    void aBadValueNamesTheFlagTheKeyAndTheValue() {
        assertEquals("--block-size (vela.block-size) must be a positive number of positions, got 'sixteen'",
                refusal("vela.block-size", "sixteen"));
        assertEquals("--device (vela.device) must be one of auto, cpu, gpu, got 'tpu'", refusal("vela.device", "tpu"));
        assertEquals("--gpu-memory-utilization (vela.gpu-memory-utilization) must be a fraction in (0, 1], got '1.5'",
                refusal("vela.gpu-memory-utilization", "1.5"));
        assertEquals("--kv-cache-memory (vela.kv-cache-memory) must be a size in bytes such as 4294967296 or 4GiB, "
                + "got 'lots'", refusal("vela.kv-cache-memory", "lots"));
        assertEquals("--disable-fastapi-docs (vela.disable-fastapi-docs) must be true or false, got 'yes please'",
                refusal("vela.disable-fastapi-docs", "yes please"));
    }

    @Test
    void sizesMayCarryAUnit() {
        assertEquals(2L << 30, settings("vela.kv-cache-memory", "2GiB").kvCacheMemoryBytes());
        assertEquals(4_000_000_000L, settings("vela.kv-cache-memory", "4GB").kvCacheMemoryBytes());
        assertEquals(512L << 20, settings("vela.max-request-bytes", "512M").maxRequestBytes());
        assertEquals(123, settings("vela.kv-cache-memory", "123").kvCacheMemoryBytes());
    }

    @Test
    void onlyTheDeepseekR1ReasoningParserExists() {
        assertEquals(Optional.of("deepseek_r1"), settings("vela.reasoning-parser", "deepseek_r1").reasoningParser());
        assertEquals("--reasoning-parser (vela.reasoning-parser) must be one of deepseek_r1, got 'qwen3'",
                refusal("vela.reasoning-parser", "qwen3"));
    }

    @Test
    void autoToolChoiceTakesTheParserItNamesAndRefusesOthersWithVllmsMessages() {
        assertEquals(Optional.of("hermes"), settings("vela.enable-auto-tool-choice", "true", "vela.tool-call-parser", "hermes")
                .toolCallParser());
        assertEquals(Optional.empty(), settings("vela.tool-call-parser", "deepseek_v3").toolCallParser(),
                "without --enable-auto-tool-choice the parser is not used");
        assertEquals("--enable-auto-tool-choice requires --tool-call-parser", refusal("vela.enable-auto-tool-choice", "true"));
        assertEquals("invalid tool call parser: qwen25 (chose from { deepseek_v3,hermes })",
                refusal("vela.enable-auto-tool-choice", "true", "vela.tool-call-parser", "qwen25"));
    }

    @Test
    void theThinkingTokenBudgetIsANonNegativeNumberOfTokens() {
        assertEquals(Optional.of(0), settings("vela.thinking-token-budget", "0").thinkingTokenBudget());
        assertEquals(Optional.empty(), settings().thinkingTokenBudget());
        assertTrue(refusal("vela.thinking-token-budget", "-1").startsWith("--thinking-token-budget (vela.thinking-token-budget) must be"));
    }

    @Test
    void aChatTemplateIsAFileOrTheTemplateItselfAsVllmReadsIt(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("t.jinja"), "{{ messages[0]['content'] }}");
        assertEquals(Optional.of("{{ messages[0]['content'] }}"), settings("vela.chat-template", file.toString()).chatTemplate());
        assertEquals(Optional.of("{% for m in messages %}\n{{ m.content }}{% endfor %}"),
                settings("vela.chat-template", "{% for m in messages %}\\n{{ m.content }}{% endfor %}").chatTemplate(),
                "an inline template's escapes are decoded");
        assertTrue(refusal("vela.chat-template", "/no/such/template.jinja")
                .startsWith("The supplied chat template (/no/such/template.jinja) looks like a file path, but it failed to be opened."));
    }

    @Test
    void theApiKeyComesFromTheFlagOrVllmsEnvironmentVariable() {
        assertEquals(Optional.of("from-env"), settings("VLLM_API_KEY", "from-env").apiKey());
        assertEquals(Optional.of("from-flag"), settings("VLLM_API_KEY", "from-env", "vela.api-key", "from-flag").apiKey());
        assertFalse(settings("vela.api-key", "s3cret").toString().contains("s3cret"));
    }

    @Test
    void hubSettingsAreReadAsHuggingfaceHubReadsThem() {
        VelaSettings.HubSettings hub = settings("HF_HOME", "/data/hf", "HF_ENDPOINT", "https://mirror.example",
                "HF_TOKEN", "hf_x", "HF_HUB_OFFLINE", "1").hub();
        assertEquals(Path.of("/data/hf/hub"), hub.cacheDir());
        assertEquals(URI.create("https://mirror.example"), hub.endpoint());
        assertEquals(Optional.of("hf_x"), hub.token());
        assertTrue(hub.offline());
        assertFalse(hub.toString().contains("hf_x"));
        assertEquals(Path.of("/cache"), settings("HF_HOME", "/data/hf", "HF_HUB_CACHE", "/cache").hub().cacheDir());
        assertEquals(Path.of("/dl"), settings("HF_HUB_CACHE", "/cache", "vela.download-dir", "/dl").hub().cacheDir());
        assertEquals(URI.create("https://huggingface.co"), settings().hub().endpoint());
        assertEquals("main", settings().hub().revision());
    }
}
