package dev.vela.adapters.gpu.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * NCCL 2 through FFM, single process and several devices: {@code ncclCommInitAll} makes one
 * communicator per device, and each device's thread enqueues its all-reduces on its own stream.
 * No group calls are needed: NCCL wants them only when one thread issues for several devices.
 * NCCL refuses two ranks on one GPU, so logical ranks use the same-device kernel instead.
 */
@SuppressWarnings("restricted") // binding native libraries is what this type is for
public final class Nccl {

    static final int NCCL_FLOAT16 = 6;
    static final int NCCL_FLOAT32 = 7;
    static final int NCCL_BFLOAT16 = 9;
    static final int NCCL_SUM = 0;
    static final int NCCL_IN_PROGRESS = 7;

    static final NativeFunction GET_VERSION = new NativeFunction("ncclGetVersion", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final NativeFunction COMM_INIT_ALL = new NativeFunction("ncclCommInitAll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
    static final NativeFunction COMM_DESTROY = new NativeFunction("ncclCommDestroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final NativeFunction COMM_ABORT = new NativeFunction("ncclCommAbort", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final NativeFunction COMM_GET_ASYNC_ERROR = new NativeFunction("ncclCommGetAsyncError",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final NativeFunction ALL_REDUCE = new NativeFunction("ncclAllReduce", FunctionDescriptor.of(JAVA_INT,
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    static final NativeFunction GET_ERROR_STRING = new NativeFunction("ncclGetErrorString",
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    /** Every NCCL function Vela binds. */
    public static final List<NativeFunction> FUNCTIONS = List.of(GET_VERSION, COMM_INIT_ALL, COMM_DESTROY, COMM_ABORT,
            COMM_GET_ASYNC_ERROR, ALL_REDUCE, GET_ERROR_STRING);

    private static volatile Nccl instance;

    private final String path;
    private final MethodHandle getVersion;
    private final MethodHandle commInitAll;
    private final MethodHandle commDestroy;
    private final MethodHandle commAbort;
    private final MethodHandle commGetAsyncError;
    private final MethodHandle allReduce;
    private final MethodHandle getErrorString;

    private Nccl(NativeLibraries.Found library) {
        this.path = library.path();
        String name = library.fileName();
        getVersion = GET_VERSION.bind(library.symbols(), name);
        commInitAll = COMM_INIT_ALL.bind(library.symbols(), name);
        commDestroy = COMM_DESTROY.bind(library.symbols(), name);
        commAbort = COMM_ABORT.bind(library.symbols(), name);
        commGetAsyncError = COMM_GET_ASYNC_ERROR.bind(library.symbols(), name);
        allReduce = ALL_REDUCE.bind(library.symbols(), name);
        getErrorString = GET_ERROR_STRING.bind(library.symbols(), name);
    }

    public static synchronized Nccl get() throws NativeLibraries.NotFound {
        if (instance == null) {
            instance = new Nccl(NativeLibraries.nccl());
        }
        return instance;
    }

    public String path() {
        return path;
    }

    /** NCCL's version code, e.g. 22703 for 2.27.3. */
    public int version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(JAVA_INT);
            check("ncclGetVersion", CudaDriver.invoke(() -> (int) getVersion.invokeExact(version)));
            return version.get(JAVA_INT, 0);
        }
    }

    /** NCCL's version code as people write it: 22703 is {@code 2.27.3} (codes before 2.9 had two digits a part). */
    public static String versionName(int code) {
        return code >= 20900 ? code / 10000 + "." + code / 100 % 100 + "." + code % 100
                : code / 1000 + "." + code / 100 % 10 + "." + code % 100;
    }

    /** One communicator per device of {@code ordinals}, rank i on {@code ordinals[i]}. Call from one thread. */
    List<MemorySegment> initAll(int[] ordinals) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment comms = arena.allocate(ADDRESS, ordinals.length);
            MemorySegment devices = arena.allocateFrom(JAVA_INT, ordinals);
            check("ncclCommInitAll", CudaDriver.invoke(() -> (int) commInitAll.invokeExact(comms, ordinals.length, devices)));
            List<MemorySegment> result = new ArrayList<>();
            for (int i = 0; i < ordinals.length; i++) {
                result.add(comms.getAtIndex(ADDRESS, i));
            }
            return result;
        }
    }

    void destroy(MemorySegment comm) {
        check("ncclCommDestroy", CudaDriver.invoke(() -> (int) commDestroy.invokeExact(comm)));
    }

    /** Ends the communicator's pending operations (their kernels return) and frees it; it cannot be used after. */
    void abort(MemorySegment comm) {
        check("ncclCommAbort", CudaDriver.invoke(() -> (int) commAbort.invokeExact(comm)));
    }

    /** Throws when the communicator has failed since its last call returned (a peer's failure, a network error). */
    void checkAsyncError(MemorySegment comm) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment error = arena.allocate(JAVA_INT);
            check("ncclCommGetAsyncError", CudaDriver.invoke(() -> (int) commGetAsyncError.invokeExact(comm, error)));
            int async = error.get(JAVA_INT, 0);
            if (async != 0 && async != NCCL_IN_PROGRESS) {
                throw new CudaException("an NCCL all-reduce", async, errorName(async), errorString(async));
            }
        }
    }

    /** In-place sum of {@code count} elements of {@code buffer} across the communicator, on {@code stream}. */
    void allReduceInPlace(long buffer, long count, int dataType, MemorySegment comm, MemorySegment stream) {
        check("ncclAllReduce", CudaDriver.invoke(() -> (int) allReduce.invokeExact(buffer, buffer, count, dataType,
                NCCL_SUM, comm, stream)));
    }

    private void check(String call, int result) {
        if (result != 0) {
            throw new CudaException(call, result, errorName(result), errorString(result));
        }
    }

    static String errorName(int result) {
        return switch (result) {
            case 1 -> "ncclUnhandledCudaError";
            case 2 -> "ncclSystemError";
            case 3 -> "ncclInternalError";
            case 4 -> "ncclInvalidArgument";
            case 5 -> "ncclInvalidUsage";
            case 6 -> "ncclRemoteError";
            case 7 -> "ncclInProgress";
            default -> "ncclResult " + result;
        };
    }

    private String errorString(int result) {
        try {
            MemorySegment text = (MemorySegment) getErrorString.invokeExact(result);
            return text.equals(MemorySegment.NULL) ? "unknown"
                    : text.reinterpret(Integer.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
        } catch (Throwable e) {
            return "unknown";
        }
    }
}
