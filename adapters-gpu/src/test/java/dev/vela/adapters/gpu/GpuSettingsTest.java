package dev.vela.adapters.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vela.adapters.gpu.tp.ElementType;
import dev.vela.domain.model.ModelConfig;
import org.junit.jupiter.api.Test;

class GpuSettingsTest {

    private static ModelConfig model(String dtype) {
        return new ModelConfig("Qwen2ForCausalLM", 64, 2, 4, 2, 16, 128, 512, 2048, 1e6, 1e-6, false, dtype);
    }

    @Test
    void theDefaultsAreVllms() {
        GpuSettings defaults = GpuSettings.defaults();
        assertEquals(1, defaults.tensorParallelSize());
        assertEquals(0.9, defaults.gpuMemoryUtilization());
        assertEquals("auto", defaults.dtype());
    }

    @Test
    void autoTakesTheModelsSixteenBitTypeAndBfloat16ForAFloat32Model() {
        GpuSettings auto = GpuSettings.defaults();
        assertEquals(ElementType.BF16, auto.activationType(model("bfloat16")));
        assertEquals(ElementType.F16, auto.activationType(model("float16")));
        assertEquals(ElementType.BF16, auto.activationType(model("float32")));
        assertEquals(ElementType.F16, auto.withDtype("float16").activationType(model("bfloat16")));
        assertEquals(ElementType.BF16, auto.withDtype("bfloat16").activationType(model("float16")));
    }

    @Test
    void float32IsRefusedOnTheGpu() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GpuSettings.defaults().withDtype("float32"));
        assertEquals("--dtype on the GPU must be auto, bfloat16 or float16, got float32", e.getMessage());
    }

    @Test
    void aMemoryUtilizationOutsideZeroToOneIsRefused() {
        for (double bad : new double[] {0.0, -0.5, 1.01, Double.NaN}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> GpuSettings.defaults().withGpuMemoryUtilization(bad));
            assertEquals("--gpu-memory-utilization must be in (0, 1], got " + bad, e.getMessage());
        }
    }

    @Test
    void maxModelLenDefaultsToTheModelsPositionsAndCannotExceedThem() {
        assertEquals(2048, GpuSettings.defaults().maxPositions(model("bfloat16")));
        assertEquals(1024, GpuSettings.defaults().withMaxModelLen(1024).maxPositions(model("bfloat16")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GpuSettings.defaults().withMaxModelLen(4096).maxPositions(model("bfloat16")));
        assertEquals("--max-model-len 4096 exceeds the model's max_position_embeddings 2048", e.getMessage());
    }
}
