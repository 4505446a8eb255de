package dev.vela.adapters.gpu.cuda;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One C function Vela binds: the exported symbol and its signature as FFM layouts. FFM links by
 * the exported name, so driver functions that cuda.h renames by macro are declared by their
 * versioned name ({@code cuMemAlloc_v2}); the legacy names are a 32-bit ABI. A function that a
 * newer library exports under a new name ({@code cuEventElapsedTime_v2}, CUDA 12.8) names the
 * older exports of the same signature as {@code fallbacks}, bound where the new one is missing.
 */
@SuppressWarnings("restricted") // binding native libraries is what this type is for
public record NativeFunction(String symbol, FunctionDescriptor descriptor, List<String> fallbacks) {

    public NativeFunction {
        fallbacks = List.copyOf(fallbacks);
        if (fallbacks.contains(symbol)) {
            throw new IllegalArgumentException(symbol + " cannot be its own fallback");
        }
    }

    public NativeFunction(String symbol, FunctionDescriptor descriptor) {
        this(symbol, descriptor, List.of());
    }

    /** The first of {@code symbol} and then the fallbacks that {@code lookup} finds. */
    String chooseSymbol(Function<String, Optional<MemorySegment>> lookup, String libraryName) {
        if (lookup.apply(symbol).isPresent()) {
            return symbol;
        }
        return fallbacks.stream().filter(name -> lookup.apply(name).isPresent()).findFirst()
                .orElseThrow(() -> new UnsatisfiedLinkError(libraryName + " has no symbol " + symbol
                        + (fallbacks.isEmpty() ? "" : " nor " + String.join(", ", fallbacks))
                        + " (a driver or library older than CUDA 12.2?)"));
    }

    /** A downcall handle to this function in {@code library}. */
    MethodHandle bind(SymbolLookup library, String libraryName) {
        String chosen = chooseSymbol(library::find, libraryName);
        return Linker.nativeLinker().downcallHandle(library.find(chosen).orElseThrow(), descriptor);
    }
}
