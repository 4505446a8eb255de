package dev.vela.gpu.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.gpu.CudaModelRunner;
import dev.vela.adapters.gpu.GpuSettings;
import dev.vela.adapters.gpu.reference.CpuReferenceRunner;
import dev.vela.adapters.gpu.reference.HashWeightSource;
import dev.vela.adapters.gpu.tp.ElementType;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.domain.model.ModelConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/** The GPU runner against the CPU reference; runs only where a GPU is (elsewhere JUnit reports it skipped). */
@Tag("gpu")
@EnabledIf("dev.vela.adapters.gpu.Cuda#available")
class CudaModelRunnerGpuTest {

    @TempDir
    Path out;

    @Test
    void tp1AndLogicalTp2AndTp4OnTheGpuMatchTheCpuReference() {
        ModelConfig model = ParityCheck.TINY;
        HashWeightSource weights = new HashWeightSource(model, 5);
        GpuSettings settings = GpuSettings.defaults().withLogicalRanks(true).withMaxNumBatchedTokens(128)
                .withGpuMemoryUtilization(0.3);
        Map<String, Supplier<ModelRunner>> candidates = new LinkedHashMap<>();
        for (int tp : new int[] {1, 2, 4}) {
            candidates.put("gpu tp" + tp, () -> CudaModelRunner.load(model, weights, settings.withTensorParallelSize(tp)));
        }
        Results results = Results.in(out);
        new ParityCheck(results).run(() -> CpuReferenceRunner.open(model, weights, 1, ElementType.F32, 256L << 20,
                false), candidates, 3);
        assertEquals(0, results.count(Results.Status.FAIL), String.valueOf(results.all()));
        assertTrue(results.count(Results.Status.PASS) >= 11);
    }

    @Test
    void theRunnerNamesItsEngineAndShapes() {
        ModelConfig model = ParityCheck.TINY;
        try (CudaModelRunner runner = CudaModelRunner.load(model, new HashWeightSource(model, 5),
                GpuSettings.defaults().withTensorParallelSize(2).withLogicalRanks(true).withMaxNumBatchedTokens(64))) {
            assertEquals("cuda/tp2-logical", runner.info().engine());
            assertEquals("bfloat16", runner.info().dtype());
            assertEquals(model.vocabSize(), runner.info().vocabularySize());
            assertTrue(runner.info().pagedKvCache());
            assertTrue(runner.allocateKvCache(16, 0) > 0);
        }
    }
}
