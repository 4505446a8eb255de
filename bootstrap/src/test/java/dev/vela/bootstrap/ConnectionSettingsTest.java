package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.api.Test;

/** The connection settings: uvicorn's keep-alive by default, vLLM's environment variable, and checked values. */
class ConnectionSettingsTest {

    private static VelaSettings.Connections connections(String... keyValues) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            values.put(keyValues[i], keyValues[i + 1]);
        }
        return VelaSettings.from(ConfigProviderResolver.instance().getBuilder()
                .withSources(new CommandLineConfigSource(values, "test", 500)).build()).connections();
    }

    @Test
    void defaultsAreUvicornsKeepAliveAThirtySecondReadTimeoutAndADerivedLimit() {
        assertEquals(new VelaSettings.Connections(5, 30, 0), connections());
    }

    @Test
    void vllmsKeepAliveVariableIsRead() {
        assertEquals(12, connections("VLLM_HTTP_TIMEOUT_KEEP_ALIVE", "12").keepAliveSeconds());
    }

    @Test
    void theFlagOutranksVllmsVariable() {
        assertEquals(3, connections("vela.timeout-keep-alive", "3", "VLLM_HTTP_TIMEOUT_KEEP_ALIVE", "12").keepAliveSeconds());
    }

    @Test
    void aZeroReadTimeoutIsRefused() {
        assertEquals("--read-timeout (vela.read-timeout) must be a positive number of seconds, got '0'",
                assertThrows(SettingsException.class, () -> connections("vela.read-timeout", "0")).getMessage());
    }

    @Test
    void aNegativeConnectionLimitIsRefused() {
        assertEquals("--max-connections (vela.max-connections) must be a number of connections (0: derived), got '-1'",
                assertThrows(SettingsException.class, () -> connections("vela.max-connections", "-1")).getMessage());
    }
}
