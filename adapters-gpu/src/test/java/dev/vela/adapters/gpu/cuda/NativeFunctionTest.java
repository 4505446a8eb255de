package dev.vela.adapters.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Which export a function binds, against fake symbol tables of a CUDA 13 and a CUDA 12.2 driver. */
class NativeFunctionTest {

    @Test
    void aDriverWithTheVersionedEventTimingBindsIt() {
        assertEquals("cuEventElapsedTime_v2", CudaDriver.CU_EVENT_ELAPSED_TIME.chooseSymbol(
                exporting("cuEventElapsedTime", "cuEventElapsedTime_v2"), "libcuda.so.1"));
    }

    @Test
    void aDriverOlderThanCuda12Point8BindsTheUnversionedEventTiming() {
        assertEquals("cuEventElapsedTime", CudaDriver.CU_EVENT_ELAPSED_TIME.chooseSymbol(
                exporting("cuEventElapsedTime", "cuEventRecord"), "libcuda.so.1"));
    }

    @Test
    void aMissingSymbolNamesEveryNameThatWasTried() {
        UnsatisfiedLinkError e = assertThrows(UnsatisfiedLinkError.class,
                () -> CudaDriver.CU_EVENT_ELAPSED_TIME.chooseSymbol(exporting("cuEventRecord"), "libcuda.so.1"));
        assertTrue(e.getMessage().contains("cuEventElapsedTime_v2 nor cuEventElapsedTime"), e.getMessage());
    }

    @Test
    void onlyTheEventTimingHasAnOlderName() {
        for (NativeFunction function : CudaDriver.FUNCTIONS) {
            if (function != CudaDriver.CU_EVENT_ELAPSED_TIME) {
                assertEquals(0, function.fallbacks().size(), function.symbol());
            }
        }
    }

    private static Function<String, Optional<MemorySegment>> exporting(String... symbols) {
        Set<String> exported = Set.of(symbols);
        return name -> exported.contains(name) ? Optional.of(MemorySegment.NULL) : Optional.empty();
    }
}
