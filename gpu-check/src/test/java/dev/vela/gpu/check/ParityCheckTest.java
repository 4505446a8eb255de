package dev.vela.gpu.check;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vela.adapters.gpu.reference.CpuReferenceRunner;
import dev.vela.adapters.gpu.reference.HashWeightSource;
import dev.vela.adapters.gpu.tp.ElementType;
import dev.vela.application.port.out.ModelRunner;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage-2 harness on the CPU, with the CPU rounding to bf16 where the GPU does standing in for
 * the GPU: that is the error the GPU's parity tolerances are set for, and it passes them.
 */
class ParityCheckTest {

    @TempDir
    Path out;

    @Test
    void bfloat16RoundingAtTp1AndTp4PassesTheParityTolerances() {
        HashWeightSource weights = new HashWeightSource(ParityCheck.TINY, 9);
        Map<String, Supplier<ModelRunner>> candidates = new LinkedHashMap<>();
        candidates.put("cpu bf16 tp1", () -> CpuReferenceRunner.open(ParityCheck.TINY, weights, 1, ElementType.BF16,
                256L << 20, false));
        candidates.put("cpu bf16 tp4", () -> CpuReferenceRunner.open(ParityCheck.TINY, weights, 4, ElementType.BF16,
                256L << 20, false));
        Results results = Results.in(out);
        new ParityCheck(results).run(() -> CpuReferenceRunner.open(ParityCheck.TINY, weights, 1, ElementType.F32,
                256L << 20, false), candidates, 1);
        assertEquals(0, results.count(Results.Status.FAIL), String.valueOf(results.all()));
        assertEquals(7, results.count(Results.Status.PASS));
    }
}
