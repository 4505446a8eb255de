package dev.vela.adapters.cpu;

import dev.vela.application.port.out.ModelWeights;
import dev.vela.application.port.out.WeightTensor;
import dev.vela.domain.model.ModelConfig;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A Qwen2 model's weights as the CPU forward pass reads them: each layer's matrices repacked
 * ({@link Matrix}) and stacked where one product computes them together (q, k and v; gate and up),
 * norms and biases copied to the heap as floats, the embedding read in place.
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
    private final int qDim;
    private final int kvDim;

    /**
     * Packs {@code weights}' matrices into {@code packed}, on {@code pool}'s threads.
     *
     * @param weights Hugging Face Qwen2 tensor names; float32 or bfloat16
     */
    Qwen2Weights(ModelConfig config, ModelWeights weights, PackedStore packed, WorkerPool pool) {
        this.weights = weights;
        this.packed = packed;
        this.pool = pool;
        this.qDim = config.numHeads() * config.headDim();
        this.kvDim = config.numKvHeads() * config.headDim();
        this.embedding = weights.tensor("model.embed_tokens.weight");
        this.layers = new Layer[config.numLayers()];
        for (int i = 0; i < layers.length; i++) {
            layers[i] = layer(i);
        }
        this.lmHead = new StackedMatrices(matrix(config.tieWordEmbeddings() || !weights.contains("lm_head.weight")
                ? "model.embed_tokens.weight" : "lm_head.weight"));
        this.finalNorm = vector("model.norm.weight");
    }

    private Layer layer(int i) {
        String p = "model.layers." + i + ".";
        StackedMatrices qkvProjection = new StackedMatrices(matrix(p + "self_attn.q_proj.weight"),
                matrix(p + "self_attn.k_proj.weight"), matrix(p + "self_attn.v_proj.weight"));
        float[] bias = new float[qDim + 2 * kvDim];
        copyVector(weights.tensor(p + "self_attn.q_proj.bias"), bias, 0);
        copyVector(weights.tensor(p + "self_attn.k_proj.bias"), bias, qDim);
        copyVector(weights.tensor(p + "self_attn.v_proj.bias"), bias, qDim + kvDim);
        return new Layer(vector(p + "input_layernorm.weight"), qkvProjection, bias,
                new StackedMatrices(matrix(p + "self_attn.o_proj.weight")), vector(p + "post_attention_layernorm.weight"),
                new StackedMatrices(matrix(p + "mlp.gate_proj.weight"), matrix(p + "mlp.up_proj.weight")),
                new StackedMatrices(matrix(p + "mlp.down_proj.weight")));
    }

    private Matrix matrix(String name) {
        return Matrix.pack(weights.tensor(name), packed, pool);
    }

    /** A small weight vector (norm, bias) as floats on the heap; they are a few kilobytes each. */
    private float[] vector(String name) {
        WeightTensor tensor = weights.tensor(name);
        float[] values = new float[Math.toIntExact(tensor.elements())];
        copyVector(tensor, values, 0);
        return values;
    }

    private static void copyVector(WeightTensor tensor, float[] into, int at) {
        copyElements(tensor, 0, Math.toIntExact(tensor.elements()), into, at);
    }

    /** Elements {@code [first, first + n)} of {@code tensor} as floats (an embedding row, a norm). */
    static void copyElements(WeightTensor tensor, long first, int n, float[] into, int at) {
        MemorySegment data = tensor.data();
        switch (tensor.type()) {
            case F32 -> MemorySegment.copy(data, Matrix.FLOAT, 4 * first, into, at, n);
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    into[at + i] = Float.intBitsToFloat(data.get(Matrix.SHORT, 2 * (first + i)) << 16);
                }
            }
            // a float16 norm or bias beside bfloat16 or float32 matrices (float16 matrices are refused)
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    into[at + i] = Float.float16ToFloat(data.get(Matrix.SHORT, 2 * (first + i)));
                }
            }
        }
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
