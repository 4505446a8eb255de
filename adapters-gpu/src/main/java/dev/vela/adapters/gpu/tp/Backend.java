package dev.vela.adapters.gpu.tp;

import dev.vela.application.port.out.WeightTensor;
import java.lang.foreign.MemorySegment;

/**
 * The operations a Qwen2 forward pass needs from one device, on {@link Tensor}s the backend
 * allocated. Activations are stored as {@link #activationType()} (bf16 or fp16 on a GPU), the
 * residual stream and logits as fp32; every reduction accumulates in fp32. Implementations: the
 * CUDA backend (kernels and cuBLAS) and the tests' {@code CpuBackend}, the plain-Java reference. A backend is
 * used from one thread at a time: for CUDA, the device's own thread.
 */
public interface Backend extends AutoCloseable {

    /** A short name for logs, e.g. {@code cpu/bf16} or {@code cuda:0/bf16}. */
    String name();

    /** The type of weights, activations, KV cache and the partial sums all-reduced. */
    ElementType activationType();

    /** A new tensor of {@code elements} of {@code type}; its contents are undefined. */
    Tensor allocate(ElementType type, long elements);

    void free(Tensor tensor);

    /** Device memory this backend could still allocate, in bytes. */
    long freeMemory();

    /** Host memory the device copies to and from quickly (pinned on a GPU), valid until the backend closes. */
    MemorySegment allocateHost(long bytes);

    /** Writes {@code values} into {@code destination}, rounded to its type. */
    void upload(float[] values, Tensor destination);

    void upload(int[] values, int count, Tensor destination);

    /** Reads {@code count} elements from {@code offset} of {@code source} as floats. */
    void download(Tensor source, long offset, float[] destination, int destinationOffset, int count);

    void download(Tensor source, long offset, int[] destination, int destinationOffset, int count);

    /** Sets every element to {@code value} (zero for padding, NaN to poison an output before a check). */
    void fill(Tensor tensor, float value);

    /** Copies {@code region} of a weight into {@code destination} ({@code destinationColumns} wide), converting its type. */
    void copyRegion(WeightTensor source, Region region, Tensor destination, long destinationColumns);

    /**
     * Fills {@code region}'s destination with {@link WeightHash} values of the source elements it
     * covers, so that every rank and every backend generates the very same model without files.
     */
    void fillHash(WeightHash hash, Region region, Tensor destination, long destinationColumns);

    /**
     * Fused residual add and RMSNorm: {@code residual += x} (or {@code residual = x} when not
     * {@code accumulate}), then {@code out = residual / rms(residual) * weight}, fp32 statistics.
     */
    void addRmsNorm(Tensor residual, Tensor x, Tensor weight, Tensor out, int tokens, int hidden, float eps,
                    boolean accumulate);

    /** {@code y[tokens, out] = x[tokens, in] · weight[out, in]ᵀ}; {@code y} may be fp32 (logits). */
    void gemm(Tensor x, Tensor weight, Tensor y, int tokens, int in, int out);

    /**
     * Adds the q/k/v bias, rotates q and k (neox pairs {@code (i, i + d/2)}, angle
     * {@code position · invFreq[i]}), and writes k and v into the paged cache at each token's slot.
     */
    void qkvBiasRopeCache(Tensor qkv, Tensor bias, StepTensors step, Tensor invFreq, HeadLayout heads,
                          Tensor keyCache, Tensor valueCache);

    /**
     * Causal attention of every token over its sequence's cached positions {@code [0, position]},
     * read through the block tables: {@code out[t, head·d]}.
     */
    void attention(Tensor qkv, StepTensors step, HeadLayout heads, int blockSize, Tensor keyCache,
                   Tensor valueCache, Tensor out);

    /** {@code out[t, i] = silu(gateUp[t, i]) · gateUp[t, intermediate + i]}. */
    void siluMul(Tensor gateUp, Tensor out, int tokens, int intermediate);

    /**
     * {@code destination[i] = source[rows[i]]}, rows of {@code width}: the embedding lookup of the
     * step's tokens, and the hidden states of the positions whose logits are wanted.
     */
    void gatherRows(Tensor source, Tensor rows, int count, int width, Tensor destination);

    /**
     * Copies {@code [rows, columns]} fp32 logits into host memory at {@code hostOffset}, rows
     * {@code hostPitch} bytes apart: each rank's slice lands in its columns of the gathered rows.
     */
    void downloadLogits(Tensor logits, int rows, int columns, MemorySegment host, long hostOffset, long hostPitch);

    /** Waits until everything queued on the device has run. */
    void synchronize();

    /**
     * Whether everything queued on the device has run, without waiting: a worker polls it, between
     * checks of its step's {@link StepWatch}, rather than block in {@link #synchronize()} on work that
     * may never end (an all-reduce whose peer died). A backend that computes as it is called is always idle.
     */
    default boolean idle() {
        return true;
    }

    @Override
    void close();
}
