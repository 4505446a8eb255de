package dev.vela.adapters.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * FFM links by exported name, and cuda.h renames many driver functions by macro: the plain
 * {@code cuMemAlloc} is the legacy 32-bit ABI, binding it corrupts memory. Vela binds only the
 * versioned names.
 */
class VersionedSymbolsTest {

    /** The public names CUDA 13.0's cuda.h (lines 89-233) maps to a versioned symbol, among those a runner could want. */
    private static final Set<String> LEGACY = Set.of("cuDeviceTotalMem", "cuCtxCreate", "cuModuleGetGlobal", "cuMemGetInfo",
            "cuMemAlloc", "cuMemAllocPitch", "cuMemFree", "cuMemGetAddressRange", "cuMemAllocHost",
            "cuMemHostGetDevicePointer", "cuMemcpyHtoD", "cuMemcpyDtoH", "cuMemcpyDtoD", "cuMemcpyHtoDAsync",
            "cuMemcpyDtoHAsync", "cuMemcpyDtoDAsync", "cuMemcpy2D", "cuMemcpy2DAsync", "cuMemcpy2DUnaligned", "cuMemcpy3D",
            "cuMemcpy3DAsync", "cuMemsetD8", "cuMemsetD16", "cuMemsetD32", "cuMemsetD2D8", "cuMemsetD2D16", "cuMemsetD2D32",
            "cuCtxDestroy", "cuCtxPopCurrent", "cuCtxPushCurrent", "cuStreamDestroy", "cuEventDestroy", "cuLinkCreate",
            "cuLinkAddData", "cuLinkAddFile", "cuMemHostRegister", "cuStreamBeginCapture", "cuDevicePrimaryCtxRelease",
            "cuDevicePrimaryCtxReset", "cuDevicePrimaryCtxSetFlags", "cuDeviceGetUuid", "cuIpcOpenMemHandle",
            "cuGraphInstantiate", "cuGraphExecUpdate", "cuGetProcAddress", "cuEventElapsedTime", "cuStreamGetCaptureInfo",
            "cuGraphAddKernelNode", "cuStreamWriteValue32", "cuStreamWaitValue32", "cuMemPrefetchAsync", "cuMemAdvise");
    /** cublas_v2.h maps these to their {@code _v2} symbols. */
    private static final Set<String> CUBLAS_LEGACY = Set.of("cublasCreate", "cublasDestroy", "cublasSetStream",
            "cublasGetStream", "cublasGetVersion", "cublasSetWorkspace", "cublasGetPointerMode", "cublasSetPointerMode");

    private static final Path CUDA_H = Path.of("/usr/local/cuda/include/cuda.h");

    @Test
    void noBoundDriverFunctionIsALegacyUnversionedName() {
        for (NativeFunction function : CudaDriver.FUNCTIONS) {
            assertFalse(LEGACY.contains(function.symbol()), function.symbol() + " is the legacy ABI; bind its _v2");
        }
    }

    @Test
    void theFunctionsWithAVersionedAbiAreBoundByTheirVersionedName() {
        Set<String> bound = names(CudaDriver.FUNCTIONS);
        for (String symbol : List.of("cuMemAlloc_v2", "cuMemFree_v2", "cuMemGetInfo_v2", "cuMemcpyHtoDAsync_v2",
                "cuMemcpyDtoHAsync_v2", "cuMemcpy2DAsync_v2", "cuDeviceTotalMem_v2",
                "cuStreamDestroy_v2", "cuEventDestroy_v2", "cuEventElapsedTime_v2", "cuDevicePrimaryCtxRelease_v2")) {
            assertTrue(bound.contains(symbol), symbol + " is bound");
        }
    }

    @Test
    void cublasIsBoundByItsV2Names() {
        Set<String> bound = names(Cublas.FUNCTIONS);
        for (String legacy : CUBLAS_LEGACY) {
            assertFalse(bound.contains(legacy), legacy);
        }
        assertTrue(bound.containsAll(Set.of("cublasCreate_v2", "cublasDestroy_v2", "cublasSetStream_v2", "cublasGemmEx")));
    }

    @Test
    void everyFunctionIsDeclaredOnce() {
        for (List<NativeFunction> library : List.of(CudaDriver.FUNCTIONS, Cublas.FUNCTIONS, Nccl.FUNCTIONS)) {
            assertEquals(library.size(), names(library).size(), "duplicates in " + library);
        }
    }

    static boolean cudaHeaderPresent() {
        return Files.isRegularFile(CUDA_H);
    }

    /** Where the toolkit's header is installed, every {@code #define cuX cuX_vN} of it is honoured too. */
    @Test
    @EnabledIf("cudaHeaderPresent")
    void noBoundNameIsRenamedByTheInstalledCudaHeader() throws IOException {
        Map<String, String> renamed = new HashMap<>();
        Pattern define = Pattern.compile("^#define\\s+(cu\\w+)\\s+(?:__CUDA_API_PT(?:DS|SZ)\\()?(cu\\w+)\\)?\\s*$");
        try (Stream<String> lines = Files.lines(CUDA_H)) {
            lines.forEach(line -> {
                Matcher m = define.matcher(line.strip());
                if (m.matches() && !m.group(1).equals(m.group(2))) {
                    renamed.put(m.group(1), m.group(2));
                }
            });
        }
        assertTrue(renamed.containsKey("cuMemAlloc"), "the header was parsed");
        for (NativeFunction function : CudaDriver.FUNCTIONS) {
            assertFalse(renamed.containsKey(function.symbol()),
                    function.symbol() + " is renamed to " + renamed.get(function.symbol()) + " by cuda.h");
        }
        assertTrue(renamed.keySet().containsAll(LEGACY), "every hard-coded legacy name is one the header renames");
    }

    /** The CUDA_MEMCPY2D offsets, as gcc computes them from CUDA 13.0's cuda.h. */
    @Test
    void theCopy2DStructHasCudasLayout() {
        assertEquals(128, Copy2D.LAYOUT.byteSize());
        Map<String, Long> offsets = Map.ofEntries(Map.entry("srcXInBytes", 0L), Map.entry("srcY", 8L),
                Map.entry("srcMemoryType", 16L), Map.entry("srcHost", 24L), Map.entry("srcDevice", 32L),
                Map.entry("srcArray", 40L), Map.entry("srcPitch", 48L), Map.entry("dstXInBytes", 56L),
                Map.entry("dstY", 64L), Map.entry("dstMemoryType", 72L), Map.entry("dstHost", 80L),
                Map.entry("dstDevice", 88L), Map.entry("dstArray", 96L), Map.entry("dstPitch", 104L),
                Map.entry("WidthInBytes", 112L), Map.entry("Height", 120L));
        offsets.forEach((field, offset) -> assertEquals(offset, Copy2D.offset(field), field));
    }

    private static Set<String> names(List<NativeFunction> functions) {
        Set<String> names = new HashSet<>();
        functions.forEach(f -> names.add(f.symbol()));
        return names;
    }
}
