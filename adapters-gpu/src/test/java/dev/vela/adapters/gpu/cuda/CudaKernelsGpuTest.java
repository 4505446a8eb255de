package dev.vela.adapters.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.gpu.tp.Collective;
import dev.vela.adapters.gpu.tp.ElementType;
import dev.vela.adapters.gpu.tp.Tensor;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/** NCCL with one rank and the device thread's guard; only where a GPU is (the kernels are checked by the GPU check). */
@Tag("gpu")
@EnabledIf("dev.vela.adapters.gpu.Cuda#available")
class CudaKernelsGpuTest {

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
