package dev.vela.gpu.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.gpu.reference.CpuBackend;
import dev.vela.adapters.gpu.reference.CpuCollective;
import dev.vela.adapters.gpu.tp.Backend;
import dev.vela.adapters.gpu.tp.ElementType;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stage-1 harness on the CPU: it passes a correct backend and catches planted kernel bugs. */
class KernelCheckTest {

    @TempDir
    static Path out;
    private static Results broken;

    private static Results check(CpuBackend reference, Backend device) {
        Results results = Results.in(out.resolve(device.name().replace(' ', '-')));
        new KernelCheck(device, CpuCollective.forWorkers(4, 1).getFirst(), reference,
                CpuCollective.forWorkers(4, 1).getFirst(), null, results, 1).runAll();
        return results;
    }

    @Test
    void theReferenceAgainstItselfPassesEveryKernel() {
        try (CpuBackend device = new CpuBackend(ElementType.BF16, Long.MAX_VALUE);
             CpuBackend reference = new CpuBackend(ElementType.BF16, Long.MAX_VALUE)) {
            Results results = check(reference, device);
            assertEquals(0, results.count(Results.Status.FAIL), String.valueOf(results.all()));
            List<String> kernels = results.all().stream().map(r -> r.name().split(" ")[0]).distinct().toList();
            assertEquals(List.of("inputs", "add_rmsnorm", "gemm", "qkv_bias_rope_cache", "attention", "silu_mul",
                    "gather_rows", "allreduce_sum", "fill_hash", "copy_region"), kernels);
        }
    }

    /** One run over a backend with planted bugs, shared by the tests that read it. */
    private static synchronized Results broken() {
        if (broken == null) {
            try (CpuBackend device = new CpuBackend(ElementType.BF16, Long.MAX_VALUE);
                 CpuBackend reference = new CpuBackend(ElementType.BF16, Long.MAX_VALUE)) {
                broken = check(reference, new BrokenBackend(device));
            }
        }
        return broken;
    }

    @Test
    void anOutputAKernelForgetsToWriteIsCaughtByThePoison() {
        Results.Result silu = broken().all().stream().filter(r -> r.name().startsWith("silu_mul")).findFirst().orElseThrow();
        assertEquals(Results.Status.FAIL, silu.status());
        assertTrue(silu.detail().startsWith("1 of "), silu.detail());
    }

    @Test
    void aGemmOffByOnePercentFailsItsTolerance() {
        List<Results.Result> gemms = broken().all().stream().filter(r -> r.name().startsWith("gemm")).toList();
        assertEquals(4, gemms.size());
        assertTrue(gemms.stream().allMatch(r -> r.status() == Results.Status.FAIL), String.valueOf(gemms));
    }
}
