package dev.vela.adapters.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.gpu.check.KernelCheck;
import dev.vela.adapters.gpu.check.Results;
import dev.vela.adapters.gpu.tp.Collective;
import dev.vela.adapters.gpu.tp.CpuBackend;
import dev.vela.adapters.gpu.tp.CpuCollective;
import dev.vela.adapters.gpu.tp.ElementType;
import dev.vela.adapters.gpu.tp.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every kernel against the CPU reference, and NCCL with one rank; only where a GPU is. */
@Tag("gpu")
@EnabledIf("dev.vela.adapters.gpu.Cuda#available")
class CudaKernelsGpuTest {

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

    @Test
    void ncclWithOneRankReturnsItsInput() throws NativeLibraries.NotFound {
        try (DeviceThread thread = DeviceThread.start(CudaDriver.get(), 0)) {
            CudaBackend backend = CudaBackend.open(thread, Cublas.get(), ElementType.BF16, 0.5);
            List<Collective> nccl = NcclCollective.across(Nccl.get(), List.of(backend));
            try {
                float[] back = thread.call(() -> {
                    Tensor buffer = backend.allocate(ElementType.BF16, 3);
                    backend.upload(new float[] {1.5f, -2.25f, 3.0f}, buffer);
                    nccl.getFirst().allReduceSum(List.of(buffer), 3);
                    float[] values = new float[3];
                    backend.download(buffer, 0, values, 0, 3);
                    return values;
                });
                assertEquals(List.of(1.5f, -2.25f, 3.0f), List.of(back[0], back[1], back[2]));
            } finally {
                nccl.forEach(Collective::close);
                backend.close();
            }
        }
    }

    @Test
    void aCallFromAnotherThreadIsRefused() throws NativeLibraries.NotFound {
        try (DeviceThread thread = DeviceThread.start(CudaDriver.get(), 0)) {
            CudaBackend backend = CudaBackend.open(thread, Cublas.get(), ElementType.BF16, 0.5);
            try {
                IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                        () -> backend.allocate(ElementType.F32, 4));
                assertTrue(e.getMessage().contains("not from its own thread"), e.getMessage());
            } finally {
                backend.close();
            }
        }
    }
}
