package dev.vela.adapters.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which kernel image the module comes from, with a fake driver that accepts or refuses each. */
class KernelImageChoiceTest {

    private static final int UNSUPPORTED_PTX_VERSION = 222;

    @Test
    void aDriverThatTakesTheFatbinRunsItsMachineCode() {
        List<Integer> tried = new ArrayList<>();
        Kernels.Loaded loaded = Kernels.loadFirst(Kernels.IMAGES, image -> {
            tried.add(image.length);
            return MemorySegment.ofAddress(1);
        });
        assertEquals("vela_kernels.fatbin", loaded.image());
        assertEquals(1, tried.size());
    }

    @Test
    void aDriverThatRefusesTheFatbinJitCompilesThePtx() {
        byte[] ptx = Kernels.resource(Kernels.PTX);
        Kernels.Loaded loaded = Kernels.loadFirst(Kernels.IMAGES, image -> {
            if (image.length != ptx.length) {
                throw refusal();
            }
            return MemorySegment.ofAddress(2);
        });
        assertEquals("vela_kernels.ptx", loaded.image());
        assertEquals(2, loaded.module().address());
    }

    @Test
    void aDriverThatRefusesEveryImageIsToldWhyForEach() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Kernels.loadFirst(Kernels.IMAGES, image -> {
                    throw refusal();
                }));
        assertTrue(e.getMessage().contains("vela_kernels.fatbin: cuModuleLoadDataEx failed"), e.getMessage());
        assertTrue(e.getMessage().contains("vela_kernels.ptx: cuModuleLoadDataEx failed"), e.getMessage());
    }

    private static CudaException refusal() {
        return new CudaException("cuModuleLoadDataEx", UNSUPPORTED_PTX_VERSION, "CUDA_ERROR_UNSUPPORTED_PTX_VERSION",
                "the provided PTX was compiled with an unsupported toolchain");
    }
}
