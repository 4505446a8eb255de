package dev.vela.adapters.gpu.cuda;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * One C function Vela binds: the exported symbol and its signature as FFM layouts. FFM links by
 * the exported name, so driver functions that cuda.h renames by macro are declared by their
 * versioned name ({@code cuMemAlloc_v2}); the legacy names are a 32-bit ABI.
 */
@SuppressWarnings("restricted") // binding native libraries is what this type is for
public record NativeFunction(String symbol, FunctionDescriptor descriptor) {

    /** A downcall handle to this function in {@code library}. */
    MethodHandle bind(SymbolLookup library, String libraryName) {
        return Linker.nativeLinker().downcallHandle(library.find(symbol).orElseThrow(() -> new UnsatisfiedLinkError(
                libraryName + " has no symbol " + symbol + " (a driver or library older than CUDA 13?)")), descriptor);
    }
}
