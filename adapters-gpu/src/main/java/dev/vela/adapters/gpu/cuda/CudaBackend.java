package dev.vela.adapters.gpu.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.vela.adapters.gpu.tp.Backend;
import dev.vela.adapters.gpu.tp.ElementType;
import dev.vela.adapters.gpu.tp.HeadLayout;
import dev.vela.adapters.gpu.tp.Region;
import dev.vela.adapters.gpu.tp.StepTensors;
import dev.vela.adapters.gpu.tp.Tensor;
import dev.vela.adapters.gpu.tp.WeightHash;
import dev.vela.application.port.out.WeightTensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The {@link Backend} of one CUDA device: Vela's kernels and cuBLAS GEMMs (bf16 or fp16 in, fp32
 * accumulate) on one non-blocking stream, weights copied from the mapped files with 2-D copies,
 * logits written straight into pinned host memory. Every method must run on the device's
 * {@link DeviceThread}.
 */
public final class CudaBackend implements Backend {

    /** Context length per attention partition when a step has too few (token, head) pairs to fill the GPU. */
    static final int DECODE_PARTITION = 512;
    private static final int ATTENTION_THREADS = 128;
    private static final int MAX_HEAD_DIM = 256;
    private static final int MAX_GRID = 65_535;

    private final DeviceThread thread;
    private final CudaDriver driver;
    private final Cublas cublas;
    private final ElementType activations;
    private final double memoryUtilization;
    private final int multiprocessors;
    private final MemorySegment stream;
    private final MemorySegment blas;
    private final Kernels kernels;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment one;
    private final MemorySegment zero;
    private final Set<Long> owned = new HashSet<>();
    private final List<MemorySegment> pinned = new ArrayList<>();
    private MemorySegment staging;
    private boolean stagingInFlight;
    private CudaTensor attentionScratch;

    /** A device allocation, or a slice of one. */
    record CudaTensor(long pointer, ElementType type, long elements) implements Tensor {

        @Override
        public Tensor slice(long offset, long count) {
            if (offset < 0 || count < 0 || offset + count > elements) {
                throw new IndexOutOfBoundsException("slice [" + offset + ", " + (offset + count) + ") of " + elements);
            }
            return new CudaTensor(pointer + offset * type.bytes(), type, count);
        }
    }

    private CudaBackend(DeviceThread thread, Cublas cublas, ElementType activations, double memoryUtilization) {
        this.thread = thread;
        this.driver = thread.driver();
        this.cublas = cublas;
        this.activations = activations;
        this.memoryUtilization = memoryUtilization;
        this.multiprocessors = driver.attribute(CudaDriver.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT,
                driver.device(thread.ordinal()));
        this.stream = driver.createStream();
        this.blas = cublas.createHandle(stream);
        this.kernels = new Kernels(driver);
        this.one = arena.allocateFrom(JAVA_FLOAT, 1.0f);
        this.zero = arena.allocateFrom(JAVA_FLOAT, 0.0f);
    }

    /**
     * Opens the backend of {@code thread}'s device, on that thread.
     *
     * @param activations       BF16 or F16
     * @param memoryUtilization the share of the device's memory Vela may use (--gpu-memory-utilization)
     */
    public static CudaBackend open(DeviceThread thread, Cublas cublas, ElementType activations, double memoryUtilization) {
        if (activations != ElementType.BF16 && activations != ElementType.F16) {
            throw new IllegalArgumentException("the CUDA backend computes in bfloat16 or float16, not " + activations);
        }
        return thread.call(() -> new CudaBackend(thread, cublas, activations, memoryUtilization));
    }

    public DeviceThread thread() {
        return thread;
    }

    /** The stream every operation of this backend is queued on. */
    MemorySegment stream() {
        return stream;
    }

    @Override
    public String name() {
        return "cuda:" + thread.ordinal() + "/" + activations.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public ElementType activationType() {
        return activations;
    }

    @Override
    public Tensor allocate(ElementType type, long elements) {
        thread.checkCurrent();
        long pointer = driver.allocate(Math.max(1, elements * type.bytes()));
        owned.add(pointer);
        return new CudaTensor(pointer, type, elements);
    }

    @Override
    public void free(Tensor tensor) {
        thread.checkCurrent();
        long pointer = cuda(tensor).pointer();
        if (owned.remove(pointer)) {
            driver.synchronize(stream);
            driver.free(pointer);
        }
    }

    /** What is left of {@code total · memoryUtilization} after everything allocated on the device so far (by anyone). */
    @Override
    public long freeMemory() {
        thread.checkCurrent();
        long[] info = driver.memoryInfo();
        long free = info[0];
        long total = info[1];
        return Math.max(0, free - (long) (total * (1.0 - memoryUtilization)));
    }

    @Override
    public MemorySegment allocateHost(long bytes) {
        thread.checkCurrent();
        MemorySegment memory = driver.allocateHost(bytes);
        pinned.add(memory);
        return memory;
    }

    @Override
    public void upload(float[] values, Tensor destination) {
        CudaTensor d = cuda(destination);
        MemorySegment host = staging((long) values.length * d.type().bytes());
        for (int i = 0; i < values.length; i++) {
            switch (d.type()) {
                case F32 -> host.setAtIndex(JAVA_FLOAT, i, values[i]);
                case BF16 -> host.setAtIndex(JAVA_SHORT, i, ElementType.floatToBfloat16(values[i]));
                case F16 -> host.setAtIndex(JAVA_SHORT, i, Float.floatToFloat16(values[i]));
                case I32 -> host.setAtIndex(JAVA_INT, i, (int) values[i]);
            }
        }
        driver.copyToDevice(d.pointer(), host, (long) values.length * d.type().bytes(), stream);
        stagingInFlight = true;
    }

    @Override
    public void upload(int[] values, int count, Tensor destination) {
        CudaTensor d = cuda(destination);
        MemorySegment host = staging(4L * count);
        MemorySegment.copy(values, 0, host, JAVA_INT, 0, count);
        driver.copyToDevice(d.pointer(), host, 4L * count, stream);
        stagingInFlight = true;
    }

    @Override
    public void download(Tensor source, long offset, float[] destination, int destinationOffset, int count) {
        CudaTensor s = cuda(source);
        int bytes = s.type().bytes();
        MemorySegment host = staging((long) count * bytes);
        driver.copyToHost(host, s.pointer() + offset * bytes, (long) count * bytes, stream);
        driver.synchronize(stream);
        stagingInFlight = false;
        for (int i = 0; i < count; i++) {
            destination[destinationOffset + i] = switch (s.type()) {
                case F32 -> host.getAtIndex(JAVA_FLOAT, i);
                case BF16 -> WeightTensor.bfloat16ToFloat(host.getAtIndex(JAVA_SHORT, i));
                case F16 -> Float.float16ToFloat(host.getAtIndex(JAVA_SHORT, i));
                case I32 -> host.getAtIndex(JAVA_INT, i);
            };
        }
    }

    @Override
    public void download(Tensor source, long offset, int[] destination, int destinationOffset, int count) {
        CudaTensor s = cuda(source);
        MemorySegment host = staging(4L * count);
        driver.copyToHost(host, s.pointer() + offset * 4, 4L * count, stream);
        driver.synchronize(stream);
        stagingInFlight = false;
        MemorySegment.copy(host, JAVA_INT, 0, destination, destinationOffset, count);
    }

    /** Pinned staging memory of at least {@code bytes}, once the copy that last used it has finished. */
    private MemorySegment staging(long bytes) {
        thread.checkCurrent();
        if (stagingInFlight) {
            driver.synchronize(stream);
            stagingInFlight = false;
        }
        if (staging == null || staging.byteSize() < bytes) {
            if (staging != null) {
                pinned.remove(staging);
                driver.freeHost(staging);
            }
            staging = allocateHost(Math.max(bytes, 1 << 20));
        }
        return staging;
    }

    @Override
    public void fill(Tensor tensor, float value) {
        CudaTensor t = cuda(tensor);
        thread.checkCurrent();
        switch (t.type()) {
            case F32 -> driver.set32(t.pointer(), Float.floatToRawIntBits(value), t.elements(), stream);
            case I32 -> driver.set32(t.pointer(), (int) value, t.elements(), stream);
            case BF16 -> driver.set16(t.pointer(), ElementType.floatToBfloat16(value), t.elements(), stream);
            case F16 -> driver.set16(t.pointer(), Float.floatToFloat16(value), t.elements(), stream);
        }
    }

    /**
     * One {@code cuMemcpy2DAsync_v2} from the mapped file straight to the device; when the file's
     * dtype differs from the tensor's, the region lands in a scratch buffer first and a kernel
     * converts it into place.
     */
    @Override
    public void copyRegion(WeightTensor source, Region region, Tensor destination, long destinationColumns) {
        thread.checkCurrent();
        CudaTensor d = cuda(destination);
        ElementType sourceType = switch (source.type()) {
            case F32 -> ElementType.F32;
            case BF16 -> ElementType.BF16;
            case F16 -> ElementType.F16;
            case Q8_0, Q4_0 -> throw new IllegalArgumentException(source.name() + ": the GPU runner reads float weights, not "
                    + source.type() + " blocks");
        };
        if (region.elements() == 0) {
            return;
        }
        int s = sourceType.bytes();
        MemorySegment from = source.data().asSlice((region.sourceRow() * region.sourceColumns() + region.sourceColumn()) * s);
        long target = d.pointer() + (region.destinationRow() * destinationColumns + region.destinationColumn()) * d.type().bytes();
        if (sourceType == d.type()) {
            driver.copy2D(Copy2D.hostToDevice(from, region.sourceColumns() * s, target, destinationColumns * s,
                    region.columns() * s, region.rows()), stream);
            driver.synchronize(stream);
            return;
        }
        Kernels.Spec convert = converter(sourceType, d.type());
        long scratch = driver.allocate(region.elements() * s);
        try {
            driver.copy2D(Copy2D.hostToDevice(from, region.sourceColumns() * s, scratch, region.columns() * s,
                    region.columns() * s, region.rows()), stream);
            kernels.launch(convert, d.type(), grid(region.elements()), 1, 1, 256, 0, stream, scratch, target,
                    (int) region.rows(), (int) region.columns(), (int) destinationColumns);
            driver.synchronize(stream);
        } finally {
            driver.free(scratch);
        }
    }

    private static Kernels.Spec converter(ElementType from, ElementType to) {
        if (from == ElementType.F32 && to == ElementType.BF16) {
            return Kernels.CONVERT_F32_TO_BF16;
        } else if (from == ElementType.F32 && to == ElementType.F16) {
            return Kernels.CONVERT_F32_TO_F16;
        } else if (from == ElementType.BF16 && to == ElementType.F16) {
            return Kernels.CONVERT_BF16_TO_F16;
        } else if (from == ElementType.F16 && to == ElementType.BF16) {
            return Kernels.CONVERT_F16_TO_BF16;
        }
        throw new IllegalArgumentException("cannot convert " + from + " weights to " + to);
    }

    @Override
    public void fillHash(WeightHash hash, Region region, Tensor destination, long destinationColumns) {
        CudaTensor d = cuda(destination);
        long target = d.pointer() + (region.destinationRow() * destinationColumns + region.destinationColumn()) * d.type().bytes();
        launch(Kernels.FILL_HASH, grid(region.elements()), 1, 1, 256, target, (int) region.rows(), (int) region.columns(),
                (int) destinationColumns, (int) region.sourceColumns(), (int) region.sourceRow(),
                (int) region.sourceColumn(), hash.seed(), hash.key(), hash.mean(), hash.halfWidth());
    }

    @Override
    public void addRmsNorm(Tensor residual, Tensor x, Tensor weight, Tensor out, int tokens, int hidden, float eps,
                           boolean accumulate) {
        int block = hidden >= 4096 ? 1024 : hidden >= 1024 ? 512 : 256;
        launch(Kernels.ADD_RMSNORM, tokens, 1, 1, block, ptr(residual), ptr(x), ptr(weight), ptr(out), tokens, hidden,
                eps, accumulate ? 1 : 0);
    }

    @Override
    public void gemm(Tensor x, Tensor weight, Tensor y, int tokens, int in, int out) {
        thread.checkCurrent();
        int inputType = activations == ElementType.BF16 ? Cublas.CUDA_R_16BF : Cublas.CUDA_R_16F;
        int outputType = y.type() == ElementType.F32 ? Cublas.CUDA_R_32F : inputType;
        if (tokens > 0) {
            cublas.gemmRowMajor(blas, ptr(x), ptr(weight), ptr(y), tokens, in, out, inputType, outputType, one, zero);
        }
    }

    @Override
    public void qkvBiasRopeCache(Tensor qkv, Tensor bias, StepTensors step, Tensor invFreq, HeadLayout heads,
                                 Tensor keyCache, Tensor valueCache) {
        int half = heads.headDim() / 2;
        launch(Kernels.QKV_BIAS_ROPE_CACHE, step.tokens(), heads.qHeads() + 2 * heads.kvHeads(), 1, roundUp(half, 32),
                ptr(qkv), ptr(bias), ptr(step.positions()), ptr(step.slots()), ptr(invFreq), ptr(keyCache),
                ptr(valueCache), step.tokens(), heads.qHeads(), heads.kvHeads(), heads.headDim());
    }

    /**
     * Flash-decoding when the step has few (token, head) pairs: the context splits into partitions
     * of {@value #DECODE_PARTITION} positions, so a decode step still fills the multiprocessors.
     */
    @Override
    public void attention(Tensor qkv, StepTensors step, HeadLayout heads, int blockSize, Tensor keyCache,
                          Tensor valueCache, Tensor out) {
        int d = heads.headDim();
        if (d > MAX_HEAD_DIM) {
            throw new IllegalArgumentException("head_dim " + d + " exceeds the " + MAX_HEAD_DIM + " the attention kernel holds");
        }
        int tokens = step.tokens();
        int maxContext = step.batch().maxContext();
        boolean enoughBlocks = (long) tokens * heads.qHeads() >= 2L * multiprocessors;
        int partitionSize = enoughBlocks ? Math.max(1, maxContext) : DECODE_PARTITION;
        int partitions = Math.max(1, (maxContext + partitionSize - 1) / partitionSize);
        growAttentionScratch((long) tokens * heads.qHeads() * partitions * (d + 2));
        float scale = (float) (1.0 / Math.sqrt(d));
        launch(Kernels.ATTENTION_PARTIAL, heads.qHeads(), tokens, partitions, ATTENTION_THREADS, ptr(qkv), ptr(keyCache),
                ptr(valueCache), ptr(step.positions()), ptr(step.tokenSequence()), ptr(step.blockTables()),
                attentionScratch.pointer(), tokens, heads.qHeads(), heads.kvHeads(), d, heads.qHeadBase(),
                heads.kvHeadBase(), heads.queriesPerKvHead(), blockSize, step.batch().maxBlocks(), partitionSize,
                partitions, scale);
        launch(Kernels.ATTENTION_COMBINE, heads.qHeads(), tokens, 1, roundUp(d, 32), attentionScratch.pointer(), ptr(out),
                tokens, heads.qHeads(), d, partitions);
    }

    /**
     * Allocates the attention scratch for the largest step up front (steps of up to {@code tokens}
     * tokens over contexts of up to {@code maxContext}), so that the KV cache, sized afterwards
     * from what is free, cannot starve it.
     */
    public void reserveAttention(int tokens, int qHeads, int headDim, int maxContext) {
        long many = (long) tokens * qHeads * (headDim + 2);
        long fewTokens = Math.min(tokens, Math.max(1, 2L * multiprocessors / qHeads + 1));
        long split = fewTokens * qHeads * ((maxContext + DECODE_PARTITION - 1) / DECODE_PARTITION) * (headDim + 2);
        growAttentionScratch(Math.max(many, split));
    }

    /** Makes the attention scratch hold at least {@code elements} fp32 values (2¹⁶ at the least; never shrinks). */
    private void growAttentionScratch(long elements) {
        if (attentionScratch == null || attentionScratch.elements() < elements) {
            if (attentionScratch != null) {
                free(attentionScratch);
            }
            attentionScratch = (CudaTensor) allocate(ElementType.F32, Math.max(elements, 1L << 16));
        }
    }

    @Override
    public void siluMul(Tensor gateUp, Tensor out, int tokens, int intermediate) {
        launch(Kernels.SILU_MUL, grid((long) tokens * intermediate), 1, 1, 256, ptr(gateUp), ptr(out), tokens, intermediate);
    }

    @Override
    public void gatherRows(Tensor source, Tensor rows, int count, int width, Tensor destination) {
        launch(Kernels.GATHER_ROWS, count, 1, 1, 256, ptr(source), ptr(rows), ptr(destination), count, width);
    }

    /** Sums the same elements of several buffers of this device in rank order (the same-device all-reduce). */
    void allReduce(long pointerArray, int ranks, long count) {
        if (count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("an all-reduce of " + count + " elements is too large for one launch");
        }
        launch(Kernels.ALLREDUCE_SUM, grid(count), 1, 1, 256, pointerArray, ranks, (int) count);
    }

    @Override
    public void downloadLogits(Tensor logits, int rows, int columns, MemorySegment host, long hostOffset, long hostPitch) {
        thread.checkCurrent();
        if (rows == 0) {
            return;
        }
        driver.copy2D(Copy2D.deviceToHost(ptr(logits), 4L * columns, host.asSlice(hostOffset), hostPitch, 4L * columns, rows),
                stream);
    }

    @Override
    public void synchronize() {
        thread.checkCurrent();
        driver.synchronize(stream);
        stagingInFlight = false;
    }

    /** Milliseconds the device spends on what {@code work} queues on this backend's stream (CUDA events). */
    public float timeMillis(Runnable work) {
        thread.checkCurrent();
        MemorySegment start = driver.createEvent();
        MemorySegment end = driver.createEvent();
        try {
            driver.record(start, stream);
            work.run();
            driver.record(end, stream);
            driver.synchronizeEvent(end);
            return driver.elapsed(start, end);
        } finally {
            driver.destroyEvent(start);
            driver.destroyEvent(end);
        }
    }

    @Override
    public void close() {
        thread.call(() -> {
            driver.synchronize(stream);
            for (long pointer : owned) {
                driver.free(pointer);
            }
            owned.clear();
            for (MemorySegment memory : pinned) {
                driver.freeHost(memory);
            }
            pinned.clear();
            kernels.close();
            cublas.destroyHandle(blas);
            driver.destroyStream(stream);
            arena.close();
            return null;
        });
    }

    private void launch(Kernels.Spec spec, int gridX, int gridY, int gridZ, int block, Object... arguments) {
        thread.checkCurrent();
        kernels.launch(spec, activations, gridX, gridY, gridZ, block, 0, stream, arguments);
    }

    private static int grid(long elements) {
        return Math.clamp((elements + 255) / 256, 1, MAX_GRID);
    }

    private static int roundUp(int value, int multiple) {
        return Math.max(multiple, (value + multiple - 1) / multiple * multiple);
    }

    private static long ptr(Tensor tensor) {
        return cuda(tensor).pointer();
    }

    private static CudaTensor cuda(Tensor tensor) {
        if (tensor instanceof CudaTensor t) {
            return t;
        }
        throw new IllegalArgumentException("not a CUDA tensor: " + tensor);
    }
}
