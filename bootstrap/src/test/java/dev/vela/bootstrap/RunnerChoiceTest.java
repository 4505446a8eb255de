package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import java.nio.file.Path;
import java.util.Map;
import org.eclipse.microprofile.config.spi.ConfigProviderResolver;
import org.junit.jupiter.params.ParameterizedTest;
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
}
