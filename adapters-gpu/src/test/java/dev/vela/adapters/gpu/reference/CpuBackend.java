package dev.vela.adapters.gpu.reference;

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
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;

/**
 * The reference {@link Backend}: plain Java on the heap, fp32 arithmetic (double for dot products
 * and statistics). With a 16-bit {@linkplain #activationType() activation type} every value is
 * rounded to it at the same storage points as the GPU kernels (weights, activations, KV cache), so
 * GPU results can be compared with tight tolerances; with F32 it is the exact model. Tensors are
 * Java arrays, so each holds at most 2³¹ elements: reference sizes, not production ones.
 */
public final class CpuBackend implements Backend {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final ElementType activations;
    private final long memoryBudget;
    private final Arena host = Arena.ofShared();
    private long allocated;

    /**
     * @param activations  F32 for the exact model, BF16 or F16 to round like a GPU does
     * @param memoryBudget bytes of tensors this backend may hold, which sizes the KV cache
     */
    public CpuBackend(ElementType activations, long memoryBudget) {
        if (activations == ElementType.I32) {
            throw new IllegalArgumentException("activations are floating point");
        }
        this.activations = activations;
        this.memoryBudget = memoryBudget;
    }

    /** The tensor type of this backend: a slice of a float or int array. */
    static final class CpuTensor implements Tensor {
        final ElementType type;
        final float[] floats;
        final int[] ints;
        final int offset;
        final int length;

        CpuTensor(ElementType type, float[] floats, int[] ints, int offset, int length) {
            this.type = type;
            this.floats = floats;
            this.ints = ints;
            this.offset = offset;
            this.length = length;
        }

        @Override
        public ElementType type() {
            return type;
        }

        @Override
        public long elements() {
            return length;
        }

        @Override
        public Tensor slice(long from, long elements) {
            if (from < 0 || elements < 0 || from + elements > length) {
                throw new IndexOutOfBoundsException("slice [" + from + ", " + (from + elements) + ") of " + length);
            }
            return new CpuTensor(type, floats, ints, offset + (int) from, (int) elements);
        }

        float get(long i) {
            return floats[offset + (int) i];
        }

        void set(long i, float value) {
            floats[offset + (int) i] = type.round(value);
        }

        int getInt(long i) {
            return ints[offset + (int) i];
        }
    }

    @Override
    public String name() {
        return "cpu/" + activations.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public ElementType activationType() {
        return activations;
    }

    @Override
    public Tensor allocate(ElementType type, long elements) {
        if (elements > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("the CPU reference backend holds at most 2^31 elements per tensor, not "
                    + elements);
        }
        int n = (int) elements;
        allocated += elements * type.bytes();
        return type == ElementType.I32
                ? new CpuTensor(type, null, new int[n], 0, n)
                : new CpuTensor(type, new float[n], null, 0, n);
    }

    @Override
    public void free(Tensor tensor) {
        allocated -= tensor.bytes();
    }

    @Override
    public long freeMemory() {
        return Math.max(0, memoryBudget - allocated);
    }

    @Override
    public MemorySegment allocateHost(long bytes) {
        return host.allocate(bytes, 64);
    }

    @Override
    public void upload(float[] values, Tensor destination) {
        CpuTensor d = cpu(destination);
        for (int i = 0; i < values.length; i++) {
            d.set(i, values[i]);
        }
    }

    @Override
    public void upload(int[] values, int count, Tensor destination) {
        CpuTensor d = cpu(destination);
        System.arraycopy(values, 0, d.ints, d.offset, count);
    }

    @Override
    public void download(Tensor source, long offset, float[] destination, int destinationOffset, int count) {
        CpuTensor s = cpu(source);
        System.arraycopy(s.floats, s.offset + (int) offset, destination, destinationOffset, count);
    }

    @Override
    public void download(Tensor source, long offset, int[] destination, int destinationOffset, int count) {
        CpuTensor s = cpu(source);
        System.arraycopy(s.ints, s.offset + (int) offset, destination, destinationOffset, count);
    }

    @Override
    public void fill(Tensor tensor, float value) {
        CpuTensor t = cpu(tensor);
        if (t.ints != null) {
            Arrays.fill(t.ints, t.offset, t.offset + t.length, (int) value);
        } else {
            Arrays.fill(t.floats, t.offset, t.offset + t.length, t.type.round(value));
        }
    }

    /** Emulates the device's 2-D copy: {@code rows} runs of {@code columns} elements, {@code sourceColumns} apart. */
    @Override
    public void copyRegion(WeightTensor source, Region region, Tensor destination, long destinationColumns) {
        CpuTensor d = cpu(destination);
        MemorySegment data = source.data();
        int elementBytes = (int) source.type().bytesOf(1);
        for (long r = 0; r < region.rows(); r++) {
            long sourceStart = ((region.sourceRow() + r) * region.sourceColumns() + region.sourceColumn()) * elementBytes;
            long destinationStart = (region.destinationRow() + r) * destinationColumns + region.destinationColumn();
            for (long c = 0; c < region.columns(); c++) {
                long at = sourceStart + c * elementBytes;
                float value = switch (source.type()) {
                    case F32 -> data.get(FLOAT, at);
                    case BF16 -> WeightTensor.bfloat16ToFloat(data.get(SHORT, at));
                    case F16 -> Float.float16ToFloat(data.get(SHORT, at));
                    case Q8_0, Q4_0 -> throw new IllegalArgumentException("the GPU runner reads float weights");
                };
                d.set(destinationStart + c, value);
            }
        }
    }

    @Override
    public void fillHash(WeightHash hash, Region region, Tensor destination, long destinationColumns) {
        CpuTensor d = cpu(destination);
        for (long r = 0; r < region.rows(); r++) {
            long sourceIndex = (region.sourceRow() + r) * region.sourceColumns() + region.sourceColumn();
            long destinationStart = (region.destinationRow() + r) * destinationColumns + region.destinationColumn();
            for (long c = 0; c < region.columns(); c++) {
                d.set(destinationStart + c, hash.value(sourceIndex + c));
            }
        }
    }

    @Override
    public void addRmsNorm(Tensor residual, Tensor x, Tensor weight, Tensor out, int tokens, int hidden, float eps,
                           boolean accumulate) {
        CpuTensor res = cpu(residual);
        CpuTensor in = cpu(x);
        CpuTensor w = cpu(weight);
        CpuTensor o = cpu(out);
        for (int t = 0; t < tokens; t++) {
            long base = (long) t * hidden;
            double squares = 0;
            for (int i = 0; i < hidden; i++) {
                float r = accumulate ? res.get(base + i) + in.get(base + i) : in.get(base + i);
                res.set(base + i, r);
                squares += (double) r * r;
            }
            float scale = (float) (1.0 / Math.sqrt(squares / hidden + eps));
            for (int i = 0; i < hidden; i++) {
                o.set(base + i, res.get(base + i) * scale * w.get(i));
            }
        }
    }

    @Override
    public void gemm(Tensor x, Tensor weight, Tensor y, int tokens, int in, int out) {
        CpuTensor a = cpu(x);
        CpuTensor w = cpu(weight);
        CpuTensor o = cpu(y);
        for (int t = 0; t < tokens; t++) {
            long xBase = (long) t * in;
            for (int j = 0; j < out; j++) {
                long wBase = (long) j * in;
                double sum = 0;
                for (int i = 0; i < in; i++) {
                    sum += (double) a.get(xBase + i) * w.get(wBase + i);
                }
                o.set((long) t * out + j, (float) sum);
            }
        }
    }

    @Override
    public void qkvBiasRopeCache(Tensor qkv, Tensor bias, StepTensors step, Tensor invFreq, HeadLayout heads,
                                 Tensor keyCache, Tensor valueCache) {
        CpuTensor x = cpu(qkv);
        CpuTensor b = cpu(bias);
        CpuTensor positions = cpu(step.positions());
        CpuTensor slots = cpu(step.slots());
        CpuTensor freq = cpu(invFreq);
        CpuTensor k = cpu(keyCache);
        CpuTensor v = cpu(valueCache);
        int d = heads.headDim();
        int half = d / 2;
        int width = heads.qkvWidth();
        int kStart = heads.qHeads() * d;
        int vStart = kStart + heads.kvHeads() * d;
        float[] head = new float[d];
        for (int t = 0; t < step.tokens(); t++) {
            long row = (long) t * width;
            int position = positions.getInt(t);
            long slot = slots.getInt(t);
            for (int h = 0; h < heads.qHeads() + heads.kvHeads(); h++) {
                int start = h * d;
                for (int i = 0; i < d; i++) {
                    head[i] = x.get(row + start + i) + b.get(start + i);
                }
                for (int i = 0; i < half; i++) {
                    float angle = position * freq.get(i);
                    float cos = (float) Math.cos(angle);
                    float sin = (float) Math.sin(angle);
                    float first = head[i];
                    float second = head[i + half];
                    head[i] = first * cos - second * sin;
                    head[i + half] = second * cos + first * sin;
                }
                if (h < heads.qHeads()) {
                    for (int i = 0; i < d; i++) {
                        x.set(row + start + i, head[i]);
                    }
                } else {
                    long at = (slot * heads.kvHeads() + (h - heads.qHeads())) * d;
                    for (int i = 0; i < d; i++) {
                        k.set(at + i, head[i]);
                    }
                }
            }
            for (int h = 0; h < heads.kvHeads(); h++) {
                long at = (slot * heads.kvHeads() + h) * d;
                for (int i = 0; i < d; i++) {
                    v.set(at + i, x.get(row + vStart + (long) h * d + i) + b.get(vStart + (long) h * d + i));
                }
            }
        }
    }

    @Override
    public void attention(Tensor qkv, StepTensors step, HeadLayout heads, int blockSize, Tensor keyCache,
                          Tensor valueCache, Tensor out) {
        CpuTensor x = cpu(qkv);
        CpuTensor positions = cpu(step.positions());
        CpuTensor sequenceOf = cpu(step.tokenSequence());
        CpuTensor tables = cpu(step.blockTables());
        CpuTensor k = cpu(keyCache);
        CpuTensor v = cpu(valueCache);
        CpuTensor o = cpu(out);
        int d = heads.headDim();
        int width = heads.qkvWidth();
        int maxBlocks = step.batch().maxBlocks();
        double scale = 1.0 / Math.sqrt(d);
        for (int t = 0; t < step.tokens(); t++) {
            int context = positions.getInt(t) + 1;
            long tableRow = (long) sequenceOf.getInt(t) * maxBlocks;
            long[] slots = new long[context];
            for (int p = 0; p < context; p++) {
                slots[p] = (long) tables.getInt(tableRow + p / blockSize) * blockSize + p % blockSize;
            }
            for (int h = 0; h < heads.qHeads(); h++) {
                long q = (long) t * width + (long) h * d;
                int kvHead = heads.kvHeadOf(h);
                double[] scores = new double[context];
                double max = Double.NEGATIVE_INFINITY;
                for (int p = 0; p < context; p++) {
                    long key = (slots[p] * heads.kvHeads() + kvHead) * d;
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += (double) x.get(q + i) * k.get(key + i);
                    }
                    scores[p] = dot * scale;
                    max = Math.max(max, scores[p]);
                }
                double sum = 0;
                for (int p = 0; p < context; p++) {
                    scores[p] = Math.exp(scores[p] - max);
                    sum += scores[p];
                }
                long outBase = (long) t * heads.qHeads() * d + (long) h * d;
                for (int i = 0; i < d; i++) {
                    double acc = 0;
                    for (int p = 0; p < context; p++) {
                        acc += scores[p] * v.get((slots[p] * heads.kvHeads() + kvHead) * d + i);
                    }
                    o.set(outBase + i, (float) (acc / sum));
                }
            }
        }
    }

    @Override
    public void siluMul(Tensor gateUp, Tensor out, int tokens, int intermediate) {
        CpuTensor g = cpu(gateUp);
        CpuTensor o = cpu(out);
        for (int t = 0; t < tokens; t++) {
            long base = 2L * t * intermediate;
            for (int i = 0; i < intermediate; i++) {
                float gate = g.get(base + i);
                float silu = gate / (1.0f + (float) Math.exp(-gate));
                o.set((long) t * intermediate + i, silu * g.get(base + intermediate + i));
            }
        }
    }

    @Override
    public void gatherRows(Tensor source, Tensor rows, int count, int width, Tensor destination) {
        CpuTensor s = cpu(source);
        CpuTensor r = cpu(rows);
        CpuTensor d = cpu(destination);
        for (int i = 0; i < count; i++) {
            long from = (long) r.getInt(i) * width;
            for (int c = 0; c < width; c++) {
                d.set((long) i * width + c, s.get(from + c));
            }
        }
    }

    @Override
    public void downloadLogits(Tensor logits, int rows, int columns, MemorySegment host, long hostOffset, long hostPitch) {
        CpuTensor l = cpu(logits);
        for (int r = 0; r < rows; r++) {
            MemorySegment.copy(l.floats, l.offset + r * columns, host, FLOAT, hostOffset + r * hostPitch, columns);
        }
    }

    @Override
    public void synchronize() {
    }

    @Override
    public void close() {
        host.close();
    }

    private static CpuTensor cpu(Tensor tensor) {
        if (tensor instanceof CpuTensor t) {
            return t;
        }
        throw new IllegalArgumentException("not a CPU tensor: " + tensor);
    }
}
