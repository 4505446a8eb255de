package dev.vela.gpu.check;

import dev.vela.adapters.gpu.reference.RelativeL2;
import dev.vela.adapters.gpu.tp.Backend;
import dev.vela.adapters.gpu.tp.Collective;
import dev.vela.adapters.gpu.tp.ElementType;
import dev.vela.adapters.gpu.tp.HeadLayout;
import dev.vela.adapters.gpu.tp.Region;
import dev.vela.adapters.gpu.tp.StepBatch;
import dev.vela.adapters.gpu.tp.StepTensors;
import dev.vela.adapters.gpu.tp.Tensor;
import dev.vela.adapters.gpu.tp.WeightHash;
import dev.vela.application.port.out.SequenceSlice;
import dev.vela.application.port.out.WeightTensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Stage 1 of the GPU check: every backend operation on a device against the CPU reference, on
 * fresh random inputs (never zeros) at model sizes, odd token counts and contexts up to 4k, with
 * every output poisoned (NaN) first so an element a kernel forgets to write fails the check.
 * Tolerances are bf16's: relative L2 of 1e-2 for element-wise, norm, RoPE and attention, 5e-3 for
 * GEMMs; pure copies, the all-reduce and the weight hash must match bit for bit.
 * Runs on any two backends, so the harness itself is tested on the CPU.
 */
public final class KernelCheck {

    static final int STAGE = 1;
    static final double ELEMENTWISE = 1e-2;
    static final double GEMM = 5e-3;
    static final double ATTENTION = 1e-2;

    /** Device time of what a runnable queues, in milliseconds (CUDA events); absent on the CPU. */
    @FunctionalInterface
    public interface Timer {
        double millis(Runnable work);
    }

    private final Backend device;
    private final Collective deviceAllReduce;
    private final Backend reference;
    private final Collective referenceAllReduce;
    private final Timer timer;
    private final Results results;
    private final long seed;
    private final SplittableRandom random;
    private final ElementType act;
    private final List<Both> allocated = new ArrayList<>();

    /** A tensor on the device and its twin on the reference, with the same contents. */
    private record Both(Tensor device, Tensor reference) {
    }

    /**
     * @param deviceAllReduce    an all-reduce over 4 ranks of {@code device} (the same-device kernel)
     * @param referenceAllReduce the same over {@code reference} (the CPU collective)
     * @param timer              null when the device cannot time itself
     */
    public KernelCheck(Backend device, Collective deviceAllReduce, Backend reference, Collective referenceAllReduce,
                       Timer timer, Results results, long seed) {
        if (device.activationType() != reference.activationType()) {
            throw new IllegalArgumentException("the reference must round to the device's type " + device.activationType());
        }
        this.device = device;
        this.deviceAllReduce = deviceAllReduce;
        this.reference = reference;
        this.referenceAllReduce = referenceAllReduce;
        this.timer = timer;
        this.results = results;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.act = device.activationType();
    }

    /** Runs every case; a case that throws is a failure, and the others still run. */
    public void runAll() {
        results.info(STAGE, "inputs", seed, "seed", "fresh random inputs of this seed; outputs poisoned with NaN");
        for (int[] shape : new int[][] {{1, 1536}, {7, 5120}, {33, 896}}) {
            for (boolean accumulate : new boolean[] {false, true}) {
                run("add_rmsnorm", () -> addRmsNorm(shape[0], shape[1], accumulate));
            }
        }
        run("gemm", () -> gemm(1, 1536, 2048, act));
        run("gemm", () -> gemm(7, 1536, 640, act));
        run("gemm", () -> gemm(33, 896, 1152, act));
        run("gemm", () -> gemm(5, 1536, 4096, ElementType.F32));
        run("qkv_bias_rope_cache", () -> ropeAndAttention(new HeadLayout(12, 2, 128, 0, 0, 6), decodeBatch(7, 4096)));
        run("attention", () -> ropeAndAttention(new HeadLayout(3, 1, 128, 3, 0, 6), decodeBatch(5, 4096)));
        run("attention", () -> ropeAndAttention(new HeadLayout(12, 2, 128, 0, 0, 6), prefillBatch()));
        run("attention", () -> ropeAndAttention(new HeadLayout(1, 1, 32, 0, 0, 1), oneTokenSequences(MANY_TOKENS),
                (MANY_TOKENS + BLOCK_SIZE - 1) / BLOCK_SIZE));
        run("silu_mul", () -> siluMul(7, 2240));
        run("gather_rows", () -> gatherRows(randomInts(7, 1000), 1000, 1536));
        run("gather_rows", () -> gatherRows(new int[] {8, 0, 3}, 9, 1536));
        run("allreduce_sum", () -> allReduce(4, 7 * 1536));
        run("fill_hash", this::fillHash);
        run("copy_region", () -> copyRegion(ElementType.F32));
        run("copy_region", () -> copyRegion(act));
        if (timer != null) {
            run("timings", this::timings);
        }
    }

    private void run(String kernel, Runnable check) {
        try {
            check.run();
        } catch (RuntimeException e) {
            results.fail(STAGE, kernel, e.toString());
        } finally {
            for (Both both : allocated) {
                device.free(both.device());
                reference.free(both.reference());
            }
            allocated.clear();
        }
    }

    private void addRmsNorm(int tokens, int hidden, boolean accumulate) {
        long n = (long) tokens * hidden;
        Both residual = random(ElementType.F32, n, 1.0);
        Both x = random(act, n, 1.0);
        Both weight = around(act, hidden, 1.0, 0.1);
        Both out = poisoned(act, n);
        device.addRmsNorm(residual.device(), x.device(), weight.device(), out.device(), tokens, hidden, 1e-6f, accumulate);
        reference.addRmsNorm(residual.reference(), x.reference(), weight.reference(), out.reference(), tokens, hidden, 1e-6f,
                accumulate);
        String name = "add_rmsnorm " + act + " T=" + tokens + " h=" + hidden + (accumulate ? " +residual" : "");
        close(name, out, n, ELEMENTWISE);
        close(name + " (residual)", residual, n, 1e-6);
    }

    private void gemm(int tokens, int in, int out, ElementType outputType) {
        Both x = random(act, (long) tokens * in, 1.0);
        Both w = random(act, (long) out * in, 1.0 / Math.sqrt(in));
        Both y = poisoned(outputType, (long) tokens * out);
        device.gemm(x.device(), w.device(), y.device(), tokens, in, out);
        reference.gemm(x.reference(), w.reference(), y.reference(), tokens, in, out);
        close("gemm " + act + "->" + outputType + " T=" + tokens + " in=" + in + " out=" + out, y, (long) tokens * out, GEMM);
    }

    /** Sequences of one decode token each, at random positions below {@code maxContext} (one at its end). */
    private List<SequenceSlice> decodeBatch(int sequences, int maxContext) {
        int[] positions = new int[sequences];
        for (int s = 0; s < sequences; s++) {
            positions[s] = s == 0 ? maxContext - 1 : random.nextInt(maxContext);
        }
        int[][] tables = disjointTables(positions);
        List<SequenceSlice> batch = new ArrayList<>();
        for (int s = 0; s < sequences; s++) {
            batch.add(SequenceSlice.of(s, new int[] {random.nextInt(1000)}, positions[s], tables[s], true));
        }
        return batch;
    }

    /** A 33-token prompt from position 0 and a 17-token chunk after 100 cached positions. */
    private List<SequenceSlice> prefillBatch() {
        int[][] tables = disjointTables(new int[] {32, 116});
        return List.of(SequenceSlice.of(0, randomInts(33, 1000), 0, tables[0], true),
                SequenceSlice.of(1, randomInts(17, 1000), 100, tables[1], true));
    }

    private static final int BLOCK_SIZE = 16;
    private static final int CACHE_BLOCKS = 2048;
    /** More batched tokens than a grid's y or z dimension holds (65,535 blocks). */
    static final int MANY_TOKENS = 65_600;

    /**
     * {@code count} sequences of one token each, a step past 65,535 tokens with a small cache:
     * sequence s is at position {@code s % BLOCK_SIZE} of block {@code s / BLOCK_SIZE}, so each
     * attends over the keys its block's earlier sequences wrote in the same step.
     */
    private List<SequenceSlice> oneTokenSequences(int count) {
        List<SequenceSlice> batch = new ArrayList<>(count);
        for (int s = 0; s < count; s++) {
            batch.add(SequenceSlice.of(s, new int[] {random.nextInt(1000)}, s % BLOCK_SIZE, new int[] {s / BLOCK_SIZE},
                    true));
        }
        return batch;
    }

    /** Block tables covering {@code [0, last]} of each sequence, scattered over the cache and sharing no block. */
    private int[][] disjointTables(int[] lastPositions) {
        int[] all = new int[CACHE_BLOCKS];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        for (int i = all.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = all[i];
            all[i] = all[j];
            all[j] = swap;
        }
        int[][] tables = new int[lastPositions.length][];
        int next = 0;
        for (int s = 0; s < lastPositions.length; s++) {
            int blocks = lastPositions[s] / BLOCK_SIZE + 1;
            tables[s] = Arrays.copyOfRange(all, next, next + blocks);
            next += blocks;
        }
        return tables;
    }

    /** Bias + RoPE + KV write for the step's tokens into a random cache, then attention over it. */
    private void ropeAndAttention(HeadLayout heads, List<SequenceSlice> slices) {
        ropeAndAttention(heads, slices, CACHE_BLOCKS);
    }

    private void ropeAndAttention(HeadLayout heads, List<SequenceSlice> slices, int cacheBlocks) {
        StepBatch step = StepBatch.of(slices, BLOCK_SIZE, cacheBlocks, 1000, 1 << 20);
        int[] packed = step.packed();
        Both meta = ints(packed);
        StepTensors deviceStep = StepTensors.of(step, meta.device());
        StepTensors referenceStep = StepTensors.of(step, meta.reference());
        int t = step.tokens();
        int d = heads.headDim();
        long cacheElements = (long) cacheBlocks * BLOCK_SIZE * heads.kvHeads() * d;
        Both keys = random(act, cacheElements, 1.0);
        Both values = random(act, cacheElements, 1.0);
        Both qkv = random(act, (long) t * heads.qkvWidth(), 1.0);
        Both bias = random(act, heads.qkvWidth(), 0.1);
        float[] frequencies = new float[d / 2];
        for (int i = 0; i < frequencies.length; i++) {
            frequencies[i] = (float) (1.0 / Math.pow(1e6, 2.0 * i / d));
        }
        Both inverse = floats(ElementType.F32, frequencies);
        String shape = act + " T=" + t + " " + heads.qHeads() + "q/" + heads.kvHeads() + "kv d=" + d + " max ctx "
                + step.maxContext();
        device.qkvBiasRopeCache(qkv.device(), bias.device(), deviceStep, inverse.device(), heads, keys.device(), values.device());
        reference.qkvBiasRopeCache(qkv.reference(), bias.reference(), referenceStep, inverse.reference(), heads,
                keys.reference(), values.reference());
        close("qkv_bias_rope_cache " + shape + " (q)", qkv, (long) t * heads.qkvWidth(), ELEMENTWISE);
        int[] slots = new int[t];
        device.download(deviceStep.slots(), 0, slots, 0, t);
        closeRows("qkv_bias_rope_cache " + shape + " (k cache)", keys, slots, heads.kvHeads() * d);
        closeRows("qkv_bias_rope_cache " + shape + " (v cache)", values, slots, heads.kvHeads() * d);

        Both out = poisoned(act, (long) t * heads.qHeads() * d);
        device.attention(qkv.device(), deviceStep, heads, BLOCK_SIZE, keys.device(), values.device(), out.device());
        reference.attention(qkv.reference(), referenceStep, heads, BLOCK_SIZE, keys.reference(), values.reference(),
                out.reference());
        close("attention " + shape, out, (long) t * heads.qHeads() * d, ATTENTION);
    }

    private void siluMul(int tokens, int intermediate) {
        Both gateUp = random(act, 2L * tokens * intermediate, 2.0);
        Both out = poisoned(act, (long) tokens * intermediate);
        device.siluMul(gateUp.device(), out.device(), tokens, intermediate);
        reference.siluMul(gateUp.reference(), out.reference(), tokens, intermediate);
        close("silu_mul " + act + " T=" + tokens + " I=" + intermediate, out, (long) tokens * intermediate, ELEMENTWISE);
    }

    /** Rows {@code picked} of a source of {@code sourceRows} rows of {@code width}, copied bit for bit. */
    private void gatherRows(int[] picked, int sourceRows, int width) {
        int count = picked.length;
        Both source = random(act, (long) sourceRows * width, 1.0);
        Both rows = ints(picked);
        Both out = poisoned(act, (long) count * width);
        device.gatherRows(source.device(), rows.device(), count, width, out.device());
        reference.gatherRows(source.reference(), rows.reference(), count, width, out.reference());
        exact("gather_rows " + act + " " + count + " of " + sourceRows + " rows of " + width, out, (long) count * width);
    }

    private void allReduce(int ranks, int count) {
        List<Both> buffers = new ArrayList<>();
        for (int r = 0; r < ranks; r++) {
            buffers.add(random(act, count, 1.0));
        }
        deviceAllReduce.allReduceSum(buffers.stream().map(Both::device).toList(), count);
        referenceAllReduce.allReduceSum(buffers.stream().map(Both::reference).toList(), count);
        for (int r = 0; r < ranks; r++) {
            exact("allreduce_sum " + act + " " + ranks + " ranks x " + count + " (rank " + r + ")", buffers.get(r), count);
        }
    }

    private void fillHash() {
        WeightHash hash = new WeightHash((int) seed, WeightHash.keyOf("model.layers.3.mlp.down_proj.weight"), 0.0f, 0.03f);
        Region region = new Region("model.layers.3.mlp.down_proj.weight", 3584, 5, 896, 64, 896, 0, 0);
        Both out = poisoned(act, 64L * 896);
        device.fillHash(hash, region, out.device(), 896);
        reference.fillHash(hash, region, out.reference(), 896);
        exact("fill_hash " + act + " 64x896 of [*, 3584] at (5, 896)", out, 64L * 896);
    }

    /** A row-parallel slice of a host tensor of {@code sourceType}: the 2-D copy, and the conversion when types differ. */
    private void copyRegion(ElementType sourceType) {
        int rows = 50;
        int columns = 300;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocate((long) rows * columns * sourceType.bytes(), 64);
            for (long i = 0; i < (long) rows * columns; i++) {
                float v = (float) random.nextGaussian();
                switch (sourceType) {
                    case F32 -> data.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4 * i, v);
                    case BF16 -> data.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2 * i,
                            ElementType.floatToBfloat16(v));
                    default -> data.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2 * i,
                            Float.floatToFloat16(v));
                }
            }
            WeightTensor.Type type = switch (sourceType) {
                case F32 -> WeightTensor.Type.F32;
                case BF16 -> WeightTensor.Type.BF16;
                default -> WeightTensor.Type.F16;
            };
            WeightTensor tensor = new WeightTensor("check.weight", type, new long[] {rows, columns}, data);
            Region region = new Region("check.weight", columns, 0, 200, rows, 100, 0, 0);
            Both out = poisoned(act, (long) rows * 100);
            device.copyRegion(tensor, region, out.device(), 100);
            reference.copyRegion(tensor, region, out.reference(), 100);
            exact("copy_region " + sourceType + "->" + act + " columns 200..300 of [50, 300]", out, (long) rows * 100);
        }
    }

    /** Device times of the kernels that bound a decode step, at Qwen2.5-1.5B's shapes. */
    private void timings() {
        int hidden = 1536;
        List<Both> partials = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            partials.add(random(act, hidden, 1.0));
        }
        List<Tensor> onDevice = partials.stream().map(Both::device).toList();
        double allReduce = timer.millis(() -> {
            for (int i = 0; i < 100; i++) {
                deviceAllReduce.allReduceSum(onDevice, hidden);
            }
        }) * 10.0;
        results.info(STAGE, "allreduce_sum 4 ranks x 1536 (decode, 1.5B)", allReduce, "us", "mean of 100, device time");
        Both residual = random(ElementType.F32, hidden, 1.0);
        Both x = random(act, hidden, 1.0);
        Both weight = around(act, hidden, 1.0, 0.1);
        Both out = poisoned(act, hidden);
        double norm = timer.millis(() -> {
            for (int i = 0; i < 100; i++) {
                device.addRmsNorm(residual.device(), x.device(), weight.device(), out.device(), 1, hidden, 1e-6f, true);
            }
        }) * 10.0;
        results.info(STAGE, "add_rmsnorm T=1 h=1536", norm, "us", "mean of 100, device time");
    }

    // ---- inputs, outputs, comparisons ----

    /** Uniform values of standard deviation {@code scale}, none of them zero. */
    private Both random(ElementType type, long n, double scale) {
        float[] values = new float[Math.toIntExact(n)];
        double halfWidth = scale * Math.sqrt(3.0);
        for (int i = 0; i < values.length; i++) {
            float v = (float) ((random.nextDouble() * 2.0 - 1.0) * halfWidth);
            values[i] = v == 0.0f ? (float) scale * 1e-3f : v;
        }
        return floats(type, values);
    }

    private Both around(ElementType type, long n, double mean, double spread) {
        float[] values = new float[Math.toIntExact(n)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (mean + (random.nextDouble() * 2 - 1) * spread);
        }
        return floats(type, values);
    }

    private Both floats(ElementType type, float[] values) {
        Both both = new Both(device.allocate(type, values.length), reference.allocate(type, values.length));
        allocated.add(both);
        device.upload(values, both.device());
        reference.upload(values, both.reference());
        return both;
    }

    private Both ints(int[] values) {
        Both both = new Both(device.allocate(ElementType.I32, values.length), reference.allocate(ElementType.I32, values.length));
        allocated.add(both);
        device.upload(values, values.length, both.device());
        reference.upload(values, values.length, both.reference());
        return both;
    }

    private Both poisoned(ElementType type, long n) {
        Both both = new Both(device.allocate(type, n), reference.allocate(type, n));
        allocated.add(both);
        device.fill(both.device(), Float.NaN);
        reference.fill(both.reference(), Float.NaN);
        return both;
    }

    private int[] randomInts(int count, int bound) {
        int[] values = new int[count];
        for (int i = 0; i < count; i++) {
            values[i] = random.nextInt(bound);
        }
        return values;
    }

    private float[] read(Backend backend, Tensor tensor, long n) {
        float[] values = new float[Math.toIntExact(n)];
        backend.download(tensor, 0, values, 0, values.length);
        return values;
    }

    private void close(String name, Both out, long n, double tolerance) {
        compare(name, read(device, out.device(), n), read(reference, out.reference(), n), tolerance);
    }

    /** Compares the rows of {@code width} at {@code rows} (KV-cache slots) of both sides. */
    private void closeRows(String name, Both out, int[] rows, int width) {
        float[] got = new float[rows.length * width];
        float[] expected = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            device.download(out.device(), (long) rows[i] * width, got, i * width, width);
            reference.download(out.reference(), (long) rows[i] * width, expected, i * width, width);
        }
        compare(name, got, expected, ELEMENTWISE);
    }

    private void compare(String name, float[] got, float[] expected, double tolerance) {
        int unwritten = countNaN(got);
        if (unwritten > 0) {
            results.add(STAGE, name, Results.Status.FAIL, unwritten, "NaN", "== 0",
                    unwritten + " of " + got.length + " outputs still poisoned or NaN");
            return;
        }
        results.atMost(STAGE, name, RelativeL2.between(got, expected), tolerance, "rel-L2",
                String.format(Locale.ROOT, "max |diff| %.3g over %d", maxDifference(got, expected), got.length));
    }

    private void exact(String name, Both out, long n) {
        float[] got = read(device, out.device(), n);
        float[] expected = read(reference, out.reference(), n);
        int differing = 0;
        for (int i = 0; i < got.length; i++) {
            if (Float.floatToIntBits(got[i]) != Float.floatToIntBits(expected[i])) {
                differing++;
            }
        }
        int unwritten = countNaN(got);
        results.add(STAGE, name, differing == 0 && unwritten == 0 ? Results.Status.PASS : Results.Status.FAIL, differing,
                "differ", "== 0 (bit-exact)", unwritten > 0 ? unwritten + " outputs NaN" : got.length + " elements");
    }

    private static double maxDifference(float[] got, float[] expected) {
        double max = 0;
        for (int i = 0; i < got.length; i++) {
            max = Math.max(max, Math.abs((double) got[i] - expected[i]));
        }
        return max;
    }

    private static int countNaN(float[] values) {
        int n = 0;
        for (float v : values) {
            if (Float.isNaN(v)) {
                n++;
            }
        }
        return n;
    }
}
