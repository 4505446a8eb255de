package dev.vela.adapters.cpu;

import dev.vela.application.port.out.ModelWeights;
import dev.vela.application.port.out.Quantization;
import dev.vela.application.port.out.Qwen2Tensor;
import dev.vela.application.port.out.WeightTensor;
import dev.vela.domain.model.ModelConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A Qwen2 model's weights as the CPU forward pass reads them: each layer's matrices repacked
 * ({@link Matrix}) and stacked where one product computes them together (q, k and v; gate and up),
 * norms and biases copied to the heap as floats, the embedding read in place.
 *
 * <p>With a {@link Quantization}, the layers' matrices are quantized to it and the lm_head to Q8_0
 * (llama.cpp keeps the output matrix at more bits than the layers too; at 4 bits it is the matrix
 * whose error shows most in the next-token distribution). The embedding stays as stored: a token
 * reads one row of it, so quantizing it would save memory but no time.
 */
final class Qwen2Weights {

    /** The weights of one decoder layer. */
    record Layer(float[] inputNorm, StackedMatrices qkvProjection, float[] qkvBias, StackedMatrices outputProjection,
                 float[] postNorm, StackedMatrices gateUpProjection, StackedMatrices downProjection) {
    }

    final WeightTensor embedding;
    final Layer[] layers;
    final StackedMatrices lmHead;
    final float[] finalNorm;

    private final ModelWeights weights;
    private final PackedStore packed;
    private final WorkerPool pool;
    private final Quantization quantization;
    private final int qDim;
    private final int kvDim;

    /**
     * Packs {@code weights}' matrices into {@code packed}, on {@code pool}'s threads.
     *
     * @param weights Hugging Face Qwen2 tensor names; float32, bfloat16 or llama.cpp blocks
     */
    Qwen2Weights(ModelConfig config, ModelWeights weights, Quantization quantization, PackedStore packed, WorkerPool pool) {
        this.weights = weights;
        this.quantization = quantization;
        this.packed = packed;
        this.pool = pool;
        this.qDim = config.numHeads() * config.headDim();
        this.kvDim = config.numKvHeads() * config.headDim();
        this.embedding = weights.tensor(Qwen2Tensor.EMBEDDING);
        this.layers = new Layer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = layer(i);
        }
        this.lmHead = new StackedMatrices(Matrix.pack(weights.tensor(config.tieWordEmbeddings()
                        || !weights.contains(Qwen2Tensor.LM_HEAD) ? Qwen2Tensor.EMBEDDING : Qwen2Tensor.LM_HEAD),
                quantization == Quantization.NONE ? Quantization.NONE : Quantization.Q8_0, packed, pool));
        this.finalNorm = vector(Qwen2Tensor.FINAL_NORM);
    }

    private Layer layer(int i) {
        StackedMatrices qkvProjection = new StackedMatrices(matrix(Qwen2Tensor.Q_PROJ.of(i)),
                matrix(Qwen2Tensor.K_PROJ.of(i)), matrix(Qwen2Tensor.V_PROJ.of(i)));
        float[] bias = new float[qDim + 2 * kvDim];
        copyVector(weights.tensor(Qwen2Tensor.Q_PROJ_BIAS.of(i)), bias, 0);
        copyVector(weights.tensor(Qwen2Tensor.K_PROJ_BIAS.of(i)), bias, qDim);
        copyVector(weights.tensor(Qwen2Tensor.V_PROJ_BIAS.of(i)), bias, qDim + kvDim);
        return new Layer(vector(Qwen2Tensor.INPUT_LAYERNORM.of(i)), qkvProjection, bias,
                new StackedMatrices(matrix(Qwen2Tensor.O_PROJ.of(i))), vector(Qwen2Tensor.POST_ATTENTION_LAYERNORM.of(i)),
                new StackedMatrices(matrix(Qwen2Tensor.GATE_PROJ.of(i)), matrix(Qwen2Tensor.UP_PROJ.of(i))),
                new StackedMatrices(matrix(Qwen2Tensor.DOWN_PROJ.of(i))));
    }

    private Matrix matrix(String name) {
        return Matrix.pack(weights.tensor(name), quantization, packed, pool);
    }

    /** The quantization the layers' matrices are served in (a file's own blocks count too). */
    Quantization served() {
        return Quantization.of(layers[0].qkvProjection().first().packedType());
    }

    /** A small weight vector (norm, bias) as floats on the heap; they are a few kilobytes each. */
    private float[] vector(String name) {
        WeightTensor tensor = weights.tensor(name);
        float[] values = new float[Math.toIntExact(tensor.elements())];
        copyVector(tensor, values, 0);
        return values;
    }

    private static void copyVector(WeightTensor tensor, float[] into, int at) {
        tensor.copyFloats(0, Math.toIntExact(tensor.elements()), into, at);
    }

    /** Every matrix a decoded token goes through once: each layer's four, then the lm_head. */
    List<StackedMatrices> matrices() {
        List<StackedMatrices> all = new ArrayList<>();
        for (Layer layer : layers) {
            all.addAll(List.of(layer.qkvProjection, layer.outputProjection, layer.gateUpProjection, layer.downProjection));
        }
        all.add(lmHead);
        return all;
    }

    /** Bytes of weights read per decoded token (every matrix once; the embedding is one row). */
    long bytesPerToken() {
        return matrices().stream().mapToLong(StackedMatrices::bytes).sum();
    }

    /** A multiply and an add per weight of every matrix a token goes through. */
    long flopsPerToken() {
        return 2 * matrices().stream().mapToLong(matrix -> (long) matrix.rows * matrix.cols()).sum();
    }
}
