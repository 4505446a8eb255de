package dev.vela.adapters.gpu;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.gpu.reference.HashWeightSource;
import dev.vela.domain.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIf;

/** On a machine without a usable GPU, the adapter says so in one line and nothing else happens. */
@DisabledIf("dev.vela.adapters.gpu.Cuda#available")
class CudaProbeTest {

    private static final ModelConfig TINY = new ModelConfig("Qwen2ForCausalLM", 64, 2, 4, 2, 16, 128, 512, 2048, 1e6, 1e-6,
            false, "bfloat16");

    @Test
    void theProbeSaysWhyThereIsNoGpuInOneLine() {
        Cuda.Probe probe = Cuda.probe();
        assertFalse(probe.available());
        assertFalse(probe.reason().isBlank());
        assertFalse(probe.reason().contains("\n"), probe.reason());
        assertTrue(probe.summary().startsWith("no GPU: "), probe.summary());
        assertTrue(probe.devices().isEmpty());
    }

    @Test
    void loadingTheGpuRunnerFailsWithOneClearLine() {
        GpuUnavailableException e = assertThrows(GpuUnavailableException.class,
                () -> CudaModelRunner.load(TINY, new HashWeightSource(TINY, 1), GpuSettings.defaults()));
        assertTrue(e.getMessage().startsWith("--device gpu: no usable GPU: "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
