package dev.vela.gpu.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.gpu.cuda.Cublas;
import dev.vela.adapters.gpu.cuda.CudaBackend;
import dev.vela.adapters.gpu.cuda.CudaDriver;
import dev.vela.adapters.gpu.cuda.DeviceThread;
import dev.vela.adapters.gpu.cuda.NativeLibraries;
import dev.vela.adapters.gpu.cuda.SameDeviceCollective;
import dev.vela.adapters.gpu.reference.CpuBackend;
import dev.vela.adapters.gpu.reference.CpuCollective;
import dev.vela.adapters.gpu.tp.Collective;
import dev.vela.adapters.gpu.tp.ElementType;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every kernel against the CPU reference; only where a GPU is. */
@Tag("gpu")
@EnabledIf("dev.vela.adapters.gpu.Cuda#available")
class KernelCheckGpuTest {

    @TempDir
    Path out;

    @ParameterizedTest
    @EnumSource(value = ElementType.class, names = {"BF16", "F16"})
    void everyKernelMatchesTheCpuReference(ElementType type) throws NativeLibraries.NotFound {
        Results results = Results.in(out);
        try (DeviceThread thread = DeviceThread.start(CudaDriver.get(), 0)) {
            CudaBackend device = CudaBackend.open(thread, Cublas.get(), type, 0.5);
            try {
                thread.call(() -> {
                    SameDeviceCollective sameDevice = new SameDeviceCollective(device);
                    try (CpuBackend reference = new CpuBackend(type, Long.MAX_VALUE)) {
                        Collective sum = CpuCollective.forWorkers(4, 1).getFirst();
                        new KernelCheck(device, sameDevice, reference, sum, device::timeMillis, results, 42).runAll();
                    } finally {
                        sameDevice.close();
                    }
                    return null;
                });
            } finally {
                device.close();
            }
        }
        assertEquals(0, results.count(Results.Status.FAIL), String.valueOf(results.all()));
        assertTrue(results.count(Results.Status.PASS) > 20);
    }
}
