package dev.vela.adapters.gpu;

import dev.vela.adapters.gpu.tp.ElementType;
import dev.vela.domain.model.ModelConfig;

/**
 * How the GPU adapter runs a model, in vLLM's words (the command line maps onto it).
 *
 * @param tensorParallelSize   {@code --tensor-parallel-size}: ranks the model is split over, one GPU each
 * @param gpuMemoryUtilization {@code --gpu-memory-utilization}: the share of each GPU's memory Vela may
 *                             use for weights, workspace and KV cache; the KV cache gets what is left
 * @param dtype                {@code --dtype}: {@code auto} (the model's 16-bit type, bfloat16 for a
 *                             float32 model), {@code bfloat16}, or {@code float16}
 * @param logicalRanks         run all ranks on the first GPU (tp=4 on one H200), joined by the same-device
 *                             all-reduce instead of NCCL: for checks and benchmarks, not for serving
 * @param maxNumBatchedTokens  {@code --max-num-batched-tokens}: the workspace is sized for steps this large
 * @param maxModelLen          {@code --max-model-len}, or 0 for the model's {@code max_position_embeddings}
 */
public record GpuSettings(int tensorParallelSize, double gpuMemoryUtilization, String dtype, boolean logicalRanks,
                          int maxNumBatchedTokens, int maxModelLen) {

    /** vLLM's defaults: one GPU, 90 % of its memory, the model's dtype. */
    public static GpuSettings defaults() {
        return new GpuSettings(1, 0.9, "auto", false, 8192, 0);
    }

    public GpuSettings {
        if (tensorParallelSize < 1) {
            throw new IllegalArgumentException("--tensor-parallel-size must be at least 1, got " + tensorParallelSize);
        }
        if (!(gpuMemoryUtilization > 0.0 && gpuMemoryUtilization <= 1.0)) {
            throw new IllegalArgumentException("--gpu-memory-utilization must be in (0, 1], got " + gpuMemoryUtilization);
        }
        if (!dtype.equals("auto") && !dtype.equals("bfloat16") && !dtype.equals("float16") && !dtype.equals("half")) {
            throw new IllegalArgumentException("--dtype on the GPU must be auto, bfloat16 or float16, got " + dtype);
        }
        if (maxNumBatchedTokens < 1) {
            throw new IllegalArgumentException("--max-num-batched-tokens must be at least 1, got " + maxNumBatchedTokens);
        }
        if (maxModelLen < 0) {
            throw new IllegalArgumentException("--max-model-len cannot be negative, got " + maxModelLen);
        }
    }

    public GpuSettings withTensorParallelSize(int size) {
        return new GpuSettings(size, gpuMemoryUtilization, dtype, logicalRanks, maxNumBatchedTokens, maxModelLen);
    }

    public GpuSettings withGpuMemoryUtilization(double utilization) {
        return new GpuSettings(tensorParallelSize, utilization, dtype, logicalRanks, maxNumBatchedTokens, maxModelLen);
    }

    public GpuSettings withDtype(String type) {
        return new GpuSettings(tensorParallelSize, gpuMemoryUtilization, type, logicalRanks, maxNumBatchedTokens,
                maxModelLen);
    }

    public GpuSettings withLogicalRanks(boolean logical) {
        return new GpuSettings(tensorParallelSize, gpuMemoryUtilization, dtype, logical, maxNumBatchedTokens,
                maxModelLen);
    }

    public GpuSettings withMaxNumBatchedTokens(int tokens) {
        return new GpuSettings(tensorParallelSize, gpuMemoryUtilization, dtype, logicalRanks, tokens, maxModelLen);
    }

    public GpuSettings withMaxModelLen(int length) {
        return new GpuSettings(tensorParallelSize, gpuMemoryUtilization, dtype, logicalRanks, maxNumBatchedTokens,
                length);
    }

    /** The 16-bit type weights and activations take on the device for {@code model}. */
    public ElementType activationType(ModelConfig model) {
        return switch (dtype) {
            case "bfloat16" -> ElementType.BF16;
            case "float16", "half" -> ElementType.F16;
            default -> model.dtype().equals("float16") ? ElementType.F16 : ElementType.BF16;
        };
    }

    /** The most positions a sequence may use for {@code model}. */
    public int maxPositions(ModelConfig model) {
        if (maxModelLen > model.maxPositionEmbeddings()) {
            throw new IllegalArgumentException("--max-model-len " + maxModelLen + " exceeds the model's max_position_embeddings "
                    + model.maxPositionEmbeddings());
        }
        return maxModelLen == 0 ? model.maxPositionEmbeddings() : maxModelLen;
    }
}
