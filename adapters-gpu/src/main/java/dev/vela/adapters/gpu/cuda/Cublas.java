package dev.vela.adapters.gpu.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * cuBLAS 12 or 13 through FFM (the symbols and enums Vela uses are the same in both): handles bound to a stream, and {@code cublasGemmEx} with 16-bit inputs
 * and fp32 accumulation. cuBLAS is column-major; {@link #gemmRowMajor} does the row-major
 * {@code Y[T, out] = X[T, in] · W[out, in]ᵀ} of a linear layer as {@code Yᵀ = W · Xᵀ}.
 */
@SuppressWarnings("restricted") // binding native libraries is what this type is for
public final class Cublas {

    static final int CUDA_R_32F = 0;
    static final int CUDA_R_16F = 2;
    static final int CUDA_R_16BF = 14;
    static final int CUBLAS_OP_N = 0;
    static final int CUBLAS_OP_T = 1;
    static final int CUBLAS_COMPUTE_32F = 68;
    static final int CUBLAS_GEMM_DEFAULT = -1;
    static final int MAJOR_VERSION = 0;
    static final int MINOR_VERSION = 1;
    static final int PATCH_LEVEL = 2;

    static final NativeFunction CREATE = new NativeFunction("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final NativeFunction DESTROY = new NativeFunction("cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final NativeFunction SET_STREAM = new NativeFunction("cublasSetStream_v2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final NativeFunction GEMM_EX = new NativeFunction("cublasGemmEx", FunctionDescriptor.of(JAVA_INT,
            ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT,
            JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    static final NativeFunction GET_PROPERTY = new NativeFunction("cublasGetProperty",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    static final NativeFunction GET_STATUS_STRING = new NativeFunction("cublasGetStatusString",
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    /** Every cuBLAS function Vela binds. */
    public static final List<NativeFunction> FUNCTIONS = List.of(CREATE, DESTROY, SET_STREAM, GEMM_EX, GET_PROPERTY,
            GET_STATUS_STRING);

    private static volatile Cublas instance;

    private final String path;
    private final MethodHandle create;
    private final MethodHandle destroy;
    private final MethodHandle setStream;
    private final MethodHandle gemmEx;
    private final MethodHandle getProperty;
    private final MethodHandle getStatusString;

    private Cublas(NativeLibraries.Found library) {
        this.path = library.path();
        String name = library.fileName();
        create = CREATE.bind(library.symbols(), name);
        destroy = DESTROY.bind(library.symbols(), name);
        setStream = SET_STREAM.bind(library.symbols(), name);
        gemmEx = GEMM_EX.bind(library.symbols(), name);
        getProperty = GET_PROPERTY.bind(library.symbols(), name);
        getStatusString = GET_STATUS_STRING.bind(library.symbols(), name);
    }

    public static synchronized Cublas get() throws NativeLibraries.NotFound {
        if (instance == null) {
            instance = new Cublas(NativeLibraries.cublas());
        }
        return instance;
    }

    public String path() {
        return path;
    }

    /** {@code major.minor.patch} of the loaded cuBLAS. */
    public String version() {
        return property(MAJOR_VERSION) + "." + property(MINOR_VERSION) + "." + property(PATCH_LEVEL);
    }

    private int property(int which) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            check("cublasGetProperty", CudaDriver.invoke(() -> (int) getProperty.invokeExact(which, value)));
            return value.get(JAVA_INT, 0);
        }
    }

    /** A handle whose work goes to {@code stream}; call on the device's thread. */
    MemorySegment createHandle(MemorySegment stream) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = arena.allocate(ADDRESS);
            check("cublasCreate_v2", CudaDriver.invoke(() -> (int) create.invokeExact(handle)));
            MemorySegment h = handle.get(ADDRESS, 0);
            check("cublasSetStream_v2", CudaDriver.invoke(() -> (int) setStream.invokeExact(h, stream)));
            return h;
        }
    }

    void destroyHandle(MemorySegment handle) {
        check("cublasDestroy_v2", CudaDriver.invoke(() -> (int) destroy.invokeExact(handle)));
    }

    /**
     * {@code y[tokens, out] = x[tokens, in] · w[out, in]ᵀ}, all row-major on the device.
     *
     * @param one  host fp32 1.0 (alpha); {@code zero} host fp32 0.0 (beta)
     */
    void gemmRowMajor(MemorySegment handle, long x, long w, long y, int tokens, int in, int out, int inputType,
                      int outputType, MemorySegment one, MemorySegment zero) {
        int result = CudaDriver.invoke(() -> (int) gemmEx.invokeExact(handle, CUBLAS_OP_T, CUBLAS_OP_N, out, tokens, in,
                one, w, inputType, in, x, inputType, in, zero, y, outputType, out, CUBLAS_COMPUTE_32F,
                CUBLAS_GEMM_DEFAULT));
        if (result != 0) {
            throw new CudaException("cublasGemmEx(m=" + out + ", n=" + tokens + ", k=" + in + ")", result,
                    statusName(result), statusString(result));
        }
    }

    private void check(String call, int result) {
        if (result != 0) {
            throw new CudaException(call, result, statusName(result), statusString(result));
        }
    }

    static String statusName(int status) {
        return switch (status) {
            case 1 -> "CUBLAS_STATUS_NOT_INITIALIZED";
            case 3 -> "CUBLAS_STATUS_ALLOC_FAILED";
            case 7 -> "CUBLAS_STATUS_INVALID_VALUE";
            case 8 -> "CUBLAS_STATUS_ARCH_MISMATCH";
            case 11 -> "CUBLAS_STATUS_MAPPING_ERROR";
            case 13 -> "CUBLAS_STATUS_EXECUTION_FAILED";
            case 14 -> "CUBLAS_STATUS_INTERNAL_ERROR";
            case 15 -> "CUBLAS_STATUS_NOT_SUPPORTED";
            case 16 -> "CUBLAS_STATUS_LICENSE_ERROR";
            default -> "CUBLAS_STATUS_" + status;
        };
    }

    private String statusString(int status) {
        try {
            MemorySegment text = (MemorySegment) getStatusString.invokeExact(status);
            return text.equals(MemorySegment.NULL) ? "unknown status"
                    : text.reinterpret(Integer.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
        } catch (Throwable e) {
            return "unknown status";
        }
    }
}
