package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.api.Test;

/**
 * The settings table's defaults reach MicroProfile Config as its lowest source: they agree with
 * what {@link VelaSettings} takes when nothing is set, every other source outranks them, and a
 * setting that vLLM also reads from an environment variable gets none there, so the variable is seen.
 */
class SettingDefaultsTest {

    private static Config config(String... keyValues) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return ConfigProviderResolver.instance().getBuilder().addDiscoveredSources()
                .withSources(new CommandLineConfigSource(values, "test", 500)).build();
    }

    @Test
    void everyDefaultIsAValueItsSettingAccepts() {
        SettingsTable.ALL.forEach(setting -> assertEquals(setting.defaultValue() != null,
                setting.parsedDefault().isPresent(), setting.key()));
    }

    @Test
    void theConfigDefaultsAreTheSettingsTakenWhenNothingIsSet() {
        assertEquals(VelaSettings.from(config()), VelaSettings.from(ConfigProviderResolver.instance().getBuilder().build()));
    }

    @Test
    void theDefaultsComeFromTheTableBelowEveryOtherSource() {
        assertEquals("16", config().getValue("vela.block-size", String.class));
        assertEquals("8000", config().getValue("server.port", String.class));
        assertEquals("32", config("vela.block-size", "32").getValue("vela.block-size", String.class));
        assertTrue(config().getConfigValue("vela.block-size").getSourceName().contains("settings table"));
    }

    @Test
    void vllmsEnvironmentVariablesAreSeenThroughTheDefaults() {
        assertEquals(12, VelaSettings.from(config("VLLM_HTTP_TIMEOUT_KEEP_ALIVE", "12")).connections().keepAliveSeconds());
        assertEquals(Optional.of("from-env"), VelaSettings.from(config("VLLM_API_KEY", "from-env")).apiKey());
    }
}
