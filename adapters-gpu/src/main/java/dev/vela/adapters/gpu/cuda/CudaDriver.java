package dev.vela.adapters.gpu.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The CUDA driver API ({@code libcuda.so.1}) through FFM: devices, the primary context, modules
 * and launches, memory, copies, streams and events. The versioned symbols of CUDA 13's
 * {@code cuda.h} are bound ({@link #FUNCTIONS}), each present in drivers since CUDA 12.2 but one
 * ({@link #CU_EVENT_ELAPSED_TIME}), which falls back to its older name. Every failing call becomes a {@link CudaException}
 * naming it and the driver's error name and text. Calls that need a context run on a
 * {@link DeviceThread}; nothing here is called from a request thread.
 */
@SuppressWarnings("restricted") // binding native libraries is what this type is for
public final class CudaDriver {

    public static final int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    public static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
    public static final int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
    static final int CU_STREAM_NON_BLOCKING = 1;
    static final int CU_MEMHOSTALLOC_PORTABLE = 1;
    static final int CU_MEMORYTYPE_HOST = 1;
    static final int CU_MEMORYTYPE_DEVICE = 2;
    static final int CU_JIT_ERROR_LOG_BUFFER = 5;
    static final int CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
    private static final int ERROR_LOG_BYTES = 8192;
    static final int CUDA_ERROR_NOT_READY = 600;

    static final NativeFunction CU_INIT = fn("cuInit", JAVA_INT);
    static final NativeFunction CU_DRIVER_GET_VERSION = fn("cuDriverGetVersion", ADDRESS);
    static final NativeFunction CU_DEVICE_GET_COUNT = fn("cuDeviceGetCount", ADDRESS);
    static final NativeFunction CU_DEVICE_GET = fn("cuDeviceGet", ADDRESS, JAVA_INT);
    static final NativeFunction CU_DEVICE_GET_NAME = fn("cuDeviceGetName", ADDRESS, JAVA_INT, JAVA_INT);
    static final NativeFunction CU_DEVICE_GET_ATTRIBUTE = fn("cuDeviceGetAttribute", ADDRESS, JAVA_INT, JAVA_INT);
    static final NativeFunction CU_DEVICE_TOTAL_MEM = fn("cuDeviceTotalMem_v2", ADDRESS, JAVA_INT);
    static final NativeFunction CU_PRIMARY_CTX_RETAIN = fn("cuDevicePrimaryCtxRetain", ADDRESS, JAVA_INT);
    static final NativeFunction CU_PRIMARY_CTX_RELEASE = fn("cuDevicePrimaryCtxRelease_v2", JAVA_INT);
    static final NativeFunction CU_CTX_SET_CURRENT = fn("cuCtxSetCurrent", ADDRESS);
    static final NativeFunction CU_CTX_SYNCHRONIZE = fn("cuCtxSynchronize");
    static final NativeFunction CU_MODULE_LOAD_DATA_EX = fn("cuModuleLoadDataEx", ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
    static final NativeFunction CU_MODULE_UNLOAD = fn("cuModuleUnload", ADDRESS);
    static final NativeFunction CU_MODULE_GET_FUNCTION = fn("cuModuleGetFunction", ADDRESS, ADDRESS, ADDRESS);
    static final NativeFunction CU_LAUNCH_KERNEL = fn("cuLaunchKernel", ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
            JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS);
    static final NativeFunction CU_MEM_ALLOC = fn("cuMemAlloc_v2", ADDRESS, JAVA_LONG);
    static final NativeFunction CU_MEM_FREE = fn("cuMemFree_v2", JAVA_LONG);
    static final NativeFunction CU_MEM_GET_INFO = fn("cuMemGetInfo_v2", ADDRESS, ADDRESS);
    static final NativeFunction CU_MEM_HOST_ALLOC = fn("cuMemHostAlloc", ADDRESS, JAVA_LONG, JAVA_INT);
    static final NativeFunction CU_MEM_FREE_HOST = fn("cuMemFreeHost", ADDRESS);
    static final NativeFunction CU_MEMCPY_HTOD_ASYNC = fn("cuMemcpyHtoDAsync_v2", JAVA_LONG, ADDRESS, JAVA_LONG, ADDRESS);
    static final NativeFunction CU_MEMCPY_DTOH_ASYNC = fn("cuMemcpyDtoHAsync_v2", ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS);
    static final NativeFunction CU_MEMCPY_2D_ASYNC = fn("cuMemcpy2DAsync_v2", ADDRESS, ADDRESS);
    static final NativeFunction CU_MEMSET_D16_ASYNC = fn("cuMemsetD16Async", JAVA_LONG, JAVA_SHORT, JAVA_LONG, ADDRESS);
    static final NativeFunction CU_MEMSET_D32_ASYNC = fn("cuMemsetD32Async", JAVA_LONG, JAVA_INT, JAVA_LONG, ADDRESS);
    static final NativeFunction CU_STREAM_CREATE = fn("cuStreamCreate", ADDRESS, JAVA_INT);
    static final NativeFunction CU_STREAM_SYNCHRONIZE = fn("cuStreamSynchronize", ADDRESS);
    static final NativeFunction CU_STREAM_QUERY = fn("cuStreamQuery", ADDRESS);
    static final NativeFunction CU_STREAM_DESTROY = fn("cuStreamDestroy_v2", ADDRESS);
    static final NativeFunction CU_EVENT_CREATE = fn("cuEventCreate", ADDRESS, JAVA_INT);
    static final NativeFunction CU_EVENT_RECORD = fn("cuEventRecord", ADDRESS, ADDRESS);
    static final NativeFunction CU_EVENT_SYNCHRONIZE = fn("cuEventSynchronize", ADDRESS);
    /** CUDA 12.8 added the {@code _v2}; older drivers export only the unversioned call, of the same signature. */
    static final NativeFunction CU_EVENT_ELAPSED_TIME = new NativeFunction("cuEventElapsedTime_v2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), List.of("cuEventElapsedTime"));
    static final NativeFunction CU_EVENT_DESTROY = fn("cuEventDestroy_v2", ADDRESS);
    static final NativeFunction CU_GET_ERROR_NAME = fn("cuGetErrorName", JAVA_INT, ADDRESS);
    static final NativeFunction CU_GET_ERROR_STRING = fn("cuGetErrorString", JAVA_INT, ADDRESS);

    /** Every driver function Vela binds. */
    public static final List<NativeFunction> FUNCTIONS = List.of(CU_INIT, CU_DRIVER_GET_VERSION, CU_DEVICE_GET_COUNT,
            CU_DEVICE_GET, CU_DEVICE_GET_NAME, CU_DEVICE_GET_ATTRIBUTE, CU_DEVICE_TOTAL_MEM, CU_PRIMARY_CTX_RETAIN,
            CU_PRIMARY_CTX_RELEASE, CU_CTX_SET_CURRENT, CU_CTX_SYNCHRONIZE, CU_MODULE_LOAD_DATA_EX, CU_MODULE_UNLOAD,
            CU_MODULE_GET_FUNCTION, CU_LAUNCH_KERNEL, CU_MEM_ALLOC, CU_MEM_FREE, CU_MEM_GET_INFO, CU_MEM_HOST_ALLOC,
            CU_MEM_FREE_HOST, CU_MEMCPY_HTOD_ASYNC, CU_MEMCPY_DTOH_ASYNC, CU_MEMCPY_2D_ASYNC,
            CU_MEMSET_D16_ASYNC, CU_MEMSET_D32_ASYNC, CU_STREAM_CREATE, CU_STREAM_SYNCHRONIZE, CU_STREAM_QUERY,
            CU_STREAM_DESTROY, CU_EVENT_CREATE, CU_EVENT_RECORD, CU_EVENT_SYNCHRONIZE, CU_EVENT_ELAPSED_TIME,
            CU_EVENT_DESTROY, CU_GET_ERROR_NAME, CU_GET_ERROR_STRING);

    private static NativeFunction fn(String symbol, java.lang.foreign.MemoryLayout... arguments) {
        return new NativeFunction(symbol, FunctionDescriptor.of(JAVA_INT, arguments));
    }

    private final String path;
    private final MethodHandle cuInit;
    private final MethodHandle cuDriverGetVersion;
    private final MethodHandle cuDeviceGetCount;
    private final MethodHandle cuDeviceGet;
    private final MethodHandle cuDeviceGetName;
    private final MethodHandle cuDeviceGetAttribute;
    private final MethodHandle cuDeviceTotalMem;
    private final MethodHandle cuDevicePrimaryCtxRetain;
    private final MethodHandle cuDevicePrimaryCtxRelease;
    private final MethodHandle cuCtxSetCurrent;
    private final MethodHandle cuCtxSynchronize;
    private final MethodHandle cuModuleLoadDataEx;
    private final MethodHandle cuModuleUnload;
    private final MethodHandle cuModuleGetFunction;
    private final MethodHandle cuLaunchKernel;
    private final MethodHandle cuMemAlloc;
    private final MethodHandle cuMemFree;
    private final MethodHandle cuMemGetInfo;
    private final MethodHandle cuMemHostAlloc;
    private final MethodHandle cuMemFreeHost;
    private final MethodHandle cuMemcpyHtoDAsync;
    private final MethodHandle cuMemcpyDtoHAsync;
    private final MethodHandle cuMemcpy2DAsync;
    private final MethodHandle cuMemsetD16Async;
    private final MethodHandle cuMemsetD32Async;
    private final MethodHandle cuStreamCreate;
    private final MethodHandle cuStreamSynchronize;
    private final MethodHandle cuStreamQuery;
    private final MethodHandle cuStreamDestroy;
    private final MethodHandle cuEventCreate;
    private final MethodHandle cuEventRecord;
    private final MethodHandle cuEventSynchronize;
    private final MethodHandle cuEventElapsedTime;
    private final MethodHandle cuEventDestroy;
    private final MethodHandle cuGetErrorName;
    private final MethodHandle cuGetErrorString;

    private CudaDriver(SymbolLookup lib, String path) {
        this.path = path;
        String name = "libcuda.so.1";
        cuInit = CU_INIT.bind(lib, name);
        cuDriverGetVersion = CU_DRIVER_GET_VERSION.bind(lib, name);
        cuDeviceGetCount = CU_DEVICE_GET_COUNT.bind(lib, name);
        cuDeviceGet = CU_DEVICE_GET.bind(lib, name);
        cuDeviceGetName = CU_DEVICE_GET_NAME.bind(lib, name);
        cuDeviceGetAttribute = CU_DEVICE_GET_ATTRIBUTE.bind(lib, name);
        cuDeviceTotalMem = CU_DEVICE_TOTAL_MEM.bind(lib, name);
        cuDevicePrimaryCtxRetain = CU_PRIMARY_CTX_RETAIN.bind(lib, name);
        cuDevicePrimaryCtxRelease = CU_PRIMARY_CTX_RELEASE.bind(lib, name);
        cuCtxSetCurrent = CU_CTX_SET_CURRENT.bind(lib, name);
        cuCtxSynchronize = CU_CTX_SYNCHRONIZE.bind(lib, name);
        cuModuleLoadDataEx = CU_MODULE_LOAD_DATA_EX.bind(lib, name);
        cuModuleUnload = CU_MODULE_UNLOAD.bind(lib, name);
        cuModuleGetFunction = CU_MODULE_GET_FUNCTION.bind(lib, name);
        cuLaunchKernel = CU_LAUNCH_KERNEL.bind(lib, name);
        cuMemAlloc = CU_MEM_ALLOC.bind(lib, name);
        cuMemFree = CU_MEM_FREE.bind(lib, name);
        cuMemGetInfo = CU_MEM_GET_INFO.bind(lib, name);
        cuMemHostAlloc = CU_MEM_HOST_ALLOC.bind(lib, name);
        cuMemFreeHost = CU_MEM_FREE_HOST.bind(lib, name);
        cuMemcpyHtoDAsync = CU_MEMCPY_HTOD_ASYNC.bind(lib, name);
        cuMemcpyDtoHAsync = CU_MEMCPY_DTOH_ASYNC.bind(lib, name);
        cuMemcpy2DAsync = CU_MEMCPY_2D_ASYNC.bind(lib, name);
        cuMemsetD16Async = CU_MEMSET_D16_ASYNC.bind(lib, name);
        cuMemsetD32Async = CU_MEMSET_D32_ASYNC.bind(lib, name);
        cuStreamCreate = CU_STREAM_CREATE.bind(lib, name);
        cuStreamSynchronize = CU_STREAM_SYNCHRONIZE.bind(lib, name);
        cuStreamQuery = CU_STREAM_QUERY.bind(lib, name);
        cuStreamDestroy = CU_STREAM_DESTROY.bind(lib, name);
        cuEventCreate = CU_EVENT_CREATE.bind(lib, name);
        cuEventRecord = CU_EVENT_RECORD.bind(lib, name);
        cuEventSynchronize = CU_EVENT_SYNCHRONIZE.bind(lib, name);
        cuEventElapsedTime = CU_EVENT_ELAPSED_TIME.bind(lib, name);
        cuEventDestroy = CU_EVENT_DESTROY.bind(lib, name);
        cuGetErrorName = CU_GET_ERROR_NAME.bind(lib, name);
        cuGetErrorString = CU_GET_ERROR_STRING.bind(lib, name);
    }

    private static volatile CudaDriver instance;

    /**
     * The driver, loaded and initialised ({@code cuInit(0)}) on first use.
     *
     * @throws NativeLibraries.NotFound when no libcuda could be opened (no GPU driver here)
     * @throws CudaException            when cuInit fails (e.g. CUDA_ERROR_NO_DEVICE)
     */
    public static synchronized CudaDriver get() throws NativeLibraries.NotFound {
        if (instance == null) {
            NativeLibraries.Found found = NativeLibraries.cuda();
            CudaDriver driver = new CudaDriver(found.symbols(), found.path());
            driver.check("cuInit", invoke(() -> (int) driver.cuInit.invokeExact(0)));
            instance = driver;
        }
        return instance;
    }

    /** Where libcuda was loaded from. */
    public String path() {
        return path;
    }

    /** The driver's CUDA version, e.g. 13000 for 13.0. */
    public int driverVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(JAVA_INT);
            check("cuDriverGetVersion", invoke(() -> (int) cuDriverGetVersion.invokeExact(version)));
            return version.get(JAVA_INT, 0);
        }
    }

    public int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(JAVA_INT);
            check("cuDeviceGetCount", invoke(() -> (int) cuDeviceGetCount.invokeExact(count)));
            return count.get(JAVA_INT, 0);
        }
    }

    /** The device handle of ordinal {@code ordinal} (after CUDA_VISIBLE_DEVICES). */
    public int device(int ordinal) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment device = arena.allocate(JAVA_INT);
            check("cuDeviceGet", invoke(() -> (int) cuDeviceGet.invokeExact(device, ordinal)));
            return device.get(JAVA_INT, 0);
        }
    }

    public String deviceName(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment name = arena.allocate(256);
            check("cuDeviceGetName", invoke(() -> (int) cuDeviceGetName.invokeExact(name, 256, device)));
            return name.getString(0, StandardCharsets.UTF_8);
        }
    }

    public int attribute(int attribute, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(JAVA_INT);
            check("cuDeviceGetAttribute", invoke(() -> (int) cuDeviceGetAttribute.invokeExact(value, attribute, device)));
            return value.get(JAVA_INT, 0);
        }
    }

    public long totalMemory(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(JAVA_LONG);
            check("cuDeviceTotalMem_v2", invoke(() -> (int) cuDeviceTotalMem.invokeExact(bytes, device)));
            return bytes.get(JAVA_LONG, 0);
        }
    }

    MemorySegment retainPrimaryContext(int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment context = arena.allocate(ADDRESS);
            check("cuDevicePrimaryCtxRetain", invoke(() -> (int) cuDevicePrimaryCtxRetain.invokeExact(context, device)));
            return context.get(ADDRESS, 0);
        }
    }

    void releasePrimaryContext(int device) {
        check("cuDevicePrimaryCtxRelease_v2", invoke(() -> (int) cuDevicePrimaryCtxRelease.invokeExact(device)));
    }

    void setCurrentContext(MemorySegment context) {
        check("cuCtxSetCurrent", invoke(() -> (int) cuCtxSetCurrent.invokeExact(context)));
    }

    void synchronizeContext() {
        check("cuCtxSynchronize", invoke(() -> (int) cuCtxSynchronize.invokeExact()));
    }

    /** Loads a fatbin or PTX image; a JIT failure names the driver's error log. */
    MemorySegment loadModule(byte[] image) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate(image.length + 1L);
            MemorySegment.copy(image, 0, data, JAVA_BYTE, 0, image.length);
            MemorySegment log = arena.allocate(ERROR_LOG_BYTES);
            MemorySegment options = arena.allocate(JAVA_INT, 2);
            options.setAtIndex(JAVA_INT, 0, CU_JIT_ERROR_LOG_BUFFER);
            options.setAtIndex(JAVA_INT, 1, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
            MemorySegment values = arena.allocate(ADDRESS, 2);
            values.setAtIndex(ADDRESS, 0, log);
            values.setAtIndex(ADDRESS, 1, MemorySegment.ofAddress(ERROR_LOG_BYTES));
            MemorySegment module = arena.allocate(ADDRESS);
            int result = invoke(() -> (int) cuModuleLoadDataEx.invokeExact(module, data, 2, options, values));
            if (result != 0) {
                String jitLog = log.getString(0, StandardCharsets.UTF_8).strip();
                throw new CudaException("cuModuleLoadDataEx", result, errorName(result),
                        errorString(result) + (jitLog.isEmpty() ? "" : "; JIT log: " + jitLog));
            }
            return module.get(ADDRESS, 0);
        }
    }

    void unloadModule(MemorySegment module) {
        check("cuModuleUnload", invoke(() -> (int) cuModuleUnload.invokeExact(module)));
    }

    MemorySegment function(MemorySegment module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment function = arena.allocate(ADDRESS);
            MemorySegment cName = arena.allocateFrom(name);
            check("cuModuleGetFunction(" + name + ")",
                    invoke(() -> (int) cuModuleGetFunction.invokeExact(function, module, cName)));
            return function.get(ADDRESS, 0);
        }
    }

    void launch(String kernel, MemorySegment function, int gridX, int gridY, int gridZ, int blockX, int blockY,
                int blockZ, int sharedBytes, MemorySegment stream, MemorySegment parameters) {
        int result = invoke(() -> (int) cuLaunchKernel.invokeExact(function, gridX, gridY, gridZ, blockX, blockY, blockZ,
                sharedBytes, stream, parameters, MemorySegment.NULL));
        if (result != 0) {
            throw new CudaException("cuLaunchKernel(" + kernel + ")", result, errorName(result), errorString(result));
        }
    }

    long allocate(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pointer = arena.allocate(JAVA_LONG);
            int result = invoke(() -> (int) cuMemAlloc.invokeExact(pointer, bytes));
            if (result != 0) {
                throw new CudaException("cuMemAlloc_v2(" + bytes + " bytes)", result, errorName(result), errorString(result));
            }
            return pointer.get(JAVA_LONG, 0);
        }
    }

    void free(long pointer) {
        check("cuMemFree_v2", invoke(() -> (int) cuMemFree.invokeExact(pointer)));
    }

    /** {@code [free, total]} bytes of the current context's device. */
    long[] memoryInfo() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            check("cuMemGetInfo_v2", invoke(() -> (int) cuMemGetInfo.invokeExact(free, total)));
            return new long[] {free.get(JAVA_LONG, 0), total.get(JAVA_LONG, 0)};
        }
    }

    /** Page-locked host memory usable by every context; free with {@link #freeHost}. */
    MemorySegment allocateHost(long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pointer = arena.allocate(ADDRESS);
            check("cuMemHostAlloc", invoke(() -> (int) cuMemHostAlloc.invokeExact(pointer, bytes, CU_MEMHOSTALLOC_PORTABLE)));
            return pointer.get(ADDRESS, 0).reinterpret(bytes);
        }
    }

    void freeHost(MemorySegment memory) {
        check("cuMemFreeHost", invoke(() -> (int) cuMemFreeHost.invokeExact(memory)));
    }

    void copyToDevice(long destination, MemorySegment source, long bytes, MemorySegment stream) {
        check("cuMemcpyHtoDAsync_v2", invoke(() -> (int) cuMemcpyHtoDAsync.invokeExact(destination, source, bytes, stream)));
    }

    void copyToHost(MemorySegment destination, long source, long bytes, MemorySegment stream) {
        check("cuMemcpyDtoHAsync_v2", invoke(() -> (int) cuMemcpyDtoHAsync.invokeExact(destination, source, bytes, stream)));
    }

    /** A strided copy described by a {@link Copy2D}. */
    void copy2D(Copy2D copy, MemorySegment stream) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment parameters = copy.toStruct(arena);
            check("cuMemcpy2DAsync_v2", invoke(() -> (int) cuMemcpy2DAsync.invokeExact(parameters, stream)));
        }
    }

    void set16(long destination, short value, long count, MemorySegment stream) {
        check("cuMemsetD16Async", invoke(() -> (int) cuMemsetD16Async.invokeExact(destination, value, count, stream)));
    }

    void set32(long destination, int value, long count, MemorySegment stream) {
        check("cuMemsetD32Async", invoke(() -> (int) cuMemsetD32Async.invokeExact(destination, value, count, stream)));
    }

    MemorySegment createStream() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment stream = arena.allocate(ADDRESS);
            check("cuStreamCreate", invoke(() -> (int) cuStreamCreate.invokeExact(stream, CU_STREAM_NON_BLOCKING)));
            return stream.get(ADDRESS, 0);
        }
    }

    void synchronize(MemorySegment stream) {
        check("cuStreamSynchronize", invoke(() -> (int) cuStreamSynchronize.invokeExact(stream)));
    }

    /** Whether everything queued on {@code stream} has run, without waiting; a failure of that work throws. */
    boolean streamDone(MemorySegment stream) {
        int result = invoke(() -> (int) cuStreamQuery.invokeExact(stream));
        if (result == CUDA_ERROR_NOT_READY) {
            return false;
        }
        check("cuStreamQuery", result);
        return true;
    }

    void destroyStream(MemorySegment stream) {
        check("cuStreamDestroy_v2", invoke(() -> (int) cuStreamDestroy.invokeExact(stream)));
    }

    MemorySegment createEvent() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment event = arena.allocate(ADDRESS);
            check("cuEventCreate", invoke(() -> (int) cuEventCreate.invokeExact(event, 0)));
            return event.get(ADDRESS, 0);
        }
    }

    void record(MemorySegment event, MemorySegment stream) {
        check("cuEventRecord", invoke(() -> (int) cuEventRecord.invokeExact(event, stream)));
    }

    void synchronizeEvent(MemorySegment event) {
        check("cuEventSynchronize", invoke(() -> (int) cuEventSynchronize.invokeExact(event)));
    }

    /** Milliseconds between two recorded events. */
    float elapsed(MemorySegment start, MemorySegment end) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment milliseconds = arena.allocate(JAVA_FLOAT);
            check("cuEventElapsedTime", invoke(() -> (int) cuEventElapsedTime.invokeExact(milliseconds, start, end)));
            return milliseconds.get(JAVA_FLOAT, 0);
        }
    }

    void destroyEvent(MemorySegment event) {
        check("cuEventDestroy_v2", invoke(() -> (int) cuEventDestroy.invokeExact(event)));
    }

    /** The driver's name for an error code, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}. */
    public String errorName(int code) {
        return errorText(cuGetErrorName, code, "CUDA_ERROR_" + code);
    }

    public String errorString(int code) {
        return errorText(cuGetErrorString, code, "unknown error " + code);
    }

    private String errorText(MethodHandle function, int code, String fallback) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocate(ADDRESS);
            int result = invoke(() -> (int) function.invokeExact(code, text));
            MemorySegment pointer = text.get(ADDRESS, 0);
            return result != 0 || pointer.equals(MemorySegment.NULL) ? fallback
                    : pointer.reinterpret(Integer.MAX_VALUE).getString(0, StandardCharsets.UTF_8);
        }
    }

    void check(String call, int result) {
        if (result != 0) {
            throw new CudaException(call, result, errorName(result), errorString(result));
        }
    }

    /** A downcall that returns a status code. */
    @FunctionalInterface
    interface Call {
        int run() throws Throwable;
    }

    static int invoke(Call call) {
        try {
            return call.run();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
