package dev.vela.adapters.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vela.adapters.gpu.cuda.Nccl;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The start-up line names the driver and the libraries in use, in the versions people write. */
class StartupLineTest {

    private static final Cuda.Probe H100 = new Cuda.Probe(true, "", "/usr/lib/x86_64-linux-gnu/libcuda.so.1", 12020,
            List.of(new Cuda.Device(0, "NVIDIA H100 80GB HBM3", 85_520_809_984L, 9, 0, 132)), "(unset)");

    @Test
    void theLineNamesDriverCublasNcclAndTheKernelImage() {
        assertEquals("GPU: CUDA driver 12.2 (/usr/lib/x86_64-linux-gnu/libcuda.so.1), cuBLAS 12.2.5 "
                        + "(/venv/nvidia/cublas/lib/libcublas.so.12), NCCL 2.21.5 (/venv/nvidia/nccl/lib/libnccl.so.2), "
                        + "kernels from vela_kernels.fatbin; [0: NVIDIA H100 80GB HBM3, 81559 MiB, compute 9.0, 132 SMs]",
                CudaModelRunner.startupLine(H100, "12.2.5", "/venv/nvidia/cublas/lib/libcublas.so.12",
                        "2.21.5 (/venv/nvidia/nccl/lib/libnccl.so.2)", "vela_kernels.fatbin"));
    }

    @Test
    void oneGpuNamesNoNccl() {
        assertEquals("GPU: CUDA driver 12.2 (/usr/lib/x86_64-linux-gnu/libcuda.so.1), cuBLAS 13.0.0 (libcublas.so.13), "
                        + "kernels from vela_kernels.ptx; [0: NVIDIA H100 80GB HBM3, 81559 MiB, compute 9.0, 132 SMs]",
                CudaModelRunner.startupLine(H100, "13.0.0", "libcublas.so.13", "", "vela_kernels.ptx"));
    }

    @Test
    void versionCodesReadAsPeopleWriteThem() {
        assertEquals("12.2", Cuda.versionName(12020));
        assertEquals("13.0", Cuda.versionName(13000));
        assertEquals("2.27.3", Nccl.versionName(22703));
        assertEquals("2.8.4", Nccl.versionName(2804));
    }
}
