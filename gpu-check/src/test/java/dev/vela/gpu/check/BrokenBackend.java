package dev.vela.gpu.check;

import dev.vela.adapters.gpu.tp.Backend;
import dev.vela.adapters.gpu.tp.ElementType;
import dev.vela.adapters.gpu.tp.HeadLayout;
import dev.vela.adapters.gpu.tp.Region;
import dev.vela.adapters.gpu.tp.StepTensors;
import dev.vela.adapters.gpu.tp.Tensor;
import dev.vela.adapters.gpu.tp.WeightHash;
import dev.vela.application.port.out.WeightTensor;
import java.lang.foreign.MemorySegment;

/**
 * A CPU backend with planted kernel bugs, to show the kernel check catches what a broken GPU kernel
 * would do: SiLU·mul forgets its last output, the GEMM's result is off by 1 %.
 */
final class BrokenBackend implements Backend {

    private final Backend inner;

    BrokenBackend(Backend inner) {
        this.inner = inner;
    }

    @Override
    public void siluMul(Tensor gateUp, Tensor out, int tokens, int intermediate) {
        Tensor scratch = inner.allocate(out.type(), out.elements());
        inner.siluMul(gateUp, scratch, tokens, intermediate);
        float[] values = new float[(int) out.elements()];
        inner.download(scratch, 0, values, 0, values.length);
        float[] poisoned = new float[values.length];
        inner.download(out, 0, poisoned, 0, poisoned.length);
        values[values.length - 1] = poisoned[poisoned.length - 1];
        inner.upload(values, out);
        inner.free(scratch);
    }

    @Override
    public void gemm(Tensor x, Tensor weight, Tensor y, int tokens, int in, int out) {
        inner.gemm(x, weight, y, tokens, in, out);
        float[] values = new float[(int) ((long) tokens * out)];
        inner.download(y, 0, values, 0, values.length);
        for (int i = 0; i < values.length; i++) {
            values[i] *= 1.01f;
        }
        inner.upload(values, y.slice(0, values.length));
    }

    @Override
    public String name() {
        return "broken " + inner.name();
    }

    @Override
    public ElementType activationType() {
        return inner.activationType();
    }

    @Override
    public Tensor allocate(ElementType type, long elements) {
        return inner.allocate(type, elements);
    }

    @Override
    public void free(Tensor tensor) {
        inner.free(tensor);
    }

    @Override
    public long freeMemory() {
        return inner.freeMemory();
    }

    @Override
    public MemorySegment allocateHost(long bytes) {
        return inner.allocateHost(bytes);
    }

    @Override
    public void upload(float[] values, Tensor destination) {
        inner.upload(values, destination);
    }

    @Override
    public void upload(int[] values, int count, Tensor destination) {
        inner.upload(values, count, destination);
    }

    @Override
    public void download(Tensor source, long offset, float[] destination, int destinationOffset, int count) {
        inner.download(source, offset, destination, destinationOffset, count);
    }

    @Override
    public void download(Tensor source, long offset, int[] destination, int destinationOffset, int count) {
        inner.download(source, offset, destination, destinationOffset, count);
    }

    @Override
    public void fill(Tensor tensor, float value) {
        inner.fill(tensor, value);
    }

    @Override
    public void copyRegion(WeightTensor source, Region region, Tensor destination, long destinationColumns) {
        inner.copyRegion(source, region, destination, destinationColumns);
    }

    @Override
    public void fillHash(WeightHash hash, Region region, Tensor destination, long destinationColumns) {
        inner.fillHash(hash, region, destination, destinationColumns);
    }

    @Override
    public void addRmsNorm(Tensor residual, Tensor x, Tensor weight, Tensor out, int tokens, int hidden, float eps,
                           boolean accumulate) {
        inner.addRmsNorm(residual, x, weight, out, tokens, hidden, eps, accumulate);
    }

    @Override
    public void qkvBiasRopeCache(Tensor qkv, Tensor bias, StepTensors step, Tensor invFreq, HeadLayout heads,
                                 Tensor keyCache, Tensor valueCache) {
        inner.qkvBiasRopeCache(qkv, bias, step, invFreq, heads, keyCache, valueCache);
    }

    @Override
    public void attention(Tensor qkv, StepTensors step, HeadLayout heads, int blockSize, Tensor keyCache,
                          Tensor valueCache, Tensor out) {
        inner.attention(qkv, step, heads, blockSize, keyCache, valueCache, out);
    }

    @Override
    public void gatherRows(Tensor source, Tensor rows, int count, int width, Tensor destination) {
        inner.gatherRows(source, rows, count, width, destination);
    }

    @Override
    public void downloadLogits(Tensor logits, int rows, int columns, MemorySegment host, long hostOffset, long hostPitch) {
        inner.downloadLogits(logits, rows, columns, host, hostOffset, hostPitch);
    }

    @Override
    public void synchronize() {
        inner.synchronize();
    }

    @Override
    public void close() {
        inner.close();
    }
}
