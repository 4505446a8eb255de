package dev.vela.adapters.hf;

import dev.vela.application.port.out.Qwen2Tensor;
import dev.vela.domain.model.ModelConfig;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The shape of the Qwen2 model in a GGUF file, from its {@code qwen2.*} metadata as llama.cpp reads
 * it, checked against every tensor's shape. The vocabulary is the embedding's rows; the output
 * projection is tied to the embedding when the file has no {@code output.weight}; the
 * {@link ModelConfig#dtype} is the type of most of the matrices' weights ({@code q8_0},
 * {@code q4_0}, {@code float16}, {@code bfloat16} or {@code float32}).
 */
public final class GgufModelConfig {

    /** The only architecture Vela serves from GGUF files. */
    public static final String ARCHITECTURE = "qwen2";
    private static final String PREFIX = ARCHITECTURE + ".";
    /** llama.cpp's defaults where the file says nothing. */
    private static final double DEFAULT_ROPE_THETA = 10000.0;

    private GgufModelConfig() {
    }

    /**
     * Reads and checks the model's shape.
     *
     * @throws ModelDirectoryException naming the file and what is wrong: another architecture, a
     *                                 missing key or tensor, a tensor of the wrong shape
     */
    public static ModelConfig read(GgufFile file) {
        String architecture = file.string("general.architecture").orElseThrow(() -> problem(file,
                "names no general.architecture"));
        if (!architecture.equals(ARCHITECTURE)) {
            throw problem(file, "its architecture is " + architecture + "; Vela serves GGUF files of the "
                    + ARCHITECTURE + " architecture only");
        }
        int hidden = required(file, "embedding_length");
        int layers = required(file, "block_count");
        int heads = required(file, "attention.head_count");
        int kvHeads = optional(file, "attention.head_count_kv").orElse(heads);
        int headDim = optional(file, "attention.key_length").orElse(heads > 0 ? hidden / heads : 0);
        int valueDim = optional(file, "attention.value_length").orElse(headDim);
        if (valueDim != headDim) {
            throw problem(file, PREFIX + "attention.value_length " + valueDim + " differs from key_length " + headDim
                    + "; Qwen2 uses one head size");
        }
        int intermediate = required(file, "feed_forward_length");
        int context = required(file, "context_length");
        double ropeTheta = real(file, PREFIX + "rope.freq_base").orElse(DEFAULT_ROPE_THETA);
        double eps = real(file, PREFIX + "attention.layer_norm_rms_epsilon").orElseThrow(() ->
                problem(file, "missing " + PREFIX + "attention.layer_norm_rms_epsilon"));
        GgufFile.TensorInfo embedding = tensor(file, Qwen2Tensor.EMBEDDING)
                .orElseThrow(() -> problem(file, "has no tensor " + Qwen2GgufNames.ggufName(Qwen2Tensor.EMBEDDING)));
        int vocab = (int) Math.min(Integer.MAX_VALUE, embedding.shape()[0]);
        boolean tied = tensor(file, Qwen2Tensor.LM_HEAD).isEmpty();
        ModelConfig config;
        try {
            config = new ModelConfig("Qwen2ForCausalLM", hidden, layers, heads, kvHeads, headDim, intermediate, vocab,
                    context, ropeTheta, eps, tied, dtype(file));
        } catch (IllegalArgumentException e) {
            throw problem(file, e.getMessage());
        }
        checkShapes(file, config);
        return config;
    }

    /** Every tensor the runner reads is present and of the shape the metadata calls for. */
    private static void checkShapes(GgufFile file, ModelConfig c) {
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long h = c.hiddenSize();
        long inter = c.intermediateSize();
        shape(file, Qwen2Tensor.EMBEDDING, c.vocabSize(), h);
        shape(file, Qwen2Tensor.FINAL_NORM, h);
        if (!c.tieWordEmbeddings()) {
            shape(file, Qwen2Tensor.LM_HEAD, c.vocabSize(), h);
        }
        Map<Qwen2Tensor, long[]> layer = new EnumMap<>(Qwen2Tensor.class);
        layer.put(Qwen2Tensor.INPUT_LAYERNORM, new long[] {h});
        layer.put(Qwen2Tensor.Q_PROJ, new long[] {q, h});
        layer.put(Qwen2Tensor.Q_PROJ_BIAS, new long[] {q});
        layer.put(Qwen2Tensor.K_PROJ, new long[] {kv, h});
        layer.put(Qwen2Tensor.K_PROJ_BIAS, new long[] {kv});
        layer.put(Qwen2Tensor.V_PROJ, new long[] {kv, h});
        layer.put(Qwen2Tensor.V_PROJ_BIAS, new long[] {kv});
        layer.put(Qwen2Tensor.O_PROJ, new long[] {h, q});
        layer.put(Qwen2Tensor.POST_ATTENTION_LAYERNORM, new long[] {h});
        layer.put(Qwen2Tensor.GATE_PROJ, new long[] {inter, h});
        layer.put(Qwen2Tensor.UP_PROJ, new long[] {inter, h});
        layer.put(Qwen2Tensor.DOWN_PROJ, new long[] {h, inter});
        for (int i = 0; i < c.numLayers(); i++) {
            for (Map.Entry<Qwen2Tensor, long[]> entry : layer.entrySet()) {
                shape(file, entry.getKey().of(i), entry.getValue());
            }
        }
    }

    private static void shape(GgufFile file, String name, long... expected) {
        GgufFile.TensorInfo tensor = tensor(file, name).orElseThrow(() ->
                problem(file, "has no tensor " + Qwen2GgufNames.ggufName(name)));
        if (!Arrays.equals(tensor.shape(), expected)) {
            throw problem(file, "tensor " + tensor.name() + " has shape " + Arrays.toString(tensor.shape())
                    + " (outermost first); its metadata calls for " + Arrays.toString(expected));
        }
    }

    private static Optional<GgufFile.TensorInfo> tensor(GgufFile file, String name) {
        return Optional.ofNullable(file.tensors().get(Qwen2GgufNames.ggufName(name)));
    }

    /** The name of the type that holds most of the matrices' weights. */
    private static String dtype(GgufFile file) {
        Map<GgmlType, Long> elements = new EnumMap<>(GgmlType.class);
        for (GgufFile.TensorInfo tensor : file.tensors().values()) {
            if (tensor.dims().length == 2) {
                elements.merge(tensor.type(), tensor.dims()[0] * tensor.dims()[1], Long::sum);
            }
        }
        GgmlType most = elements.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(GgmlType.F32);
        return switch (most) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            case Q8_0 -> "q8_0";
            case Q4_0 -> "q4_0";
        };
    }

    private static int required(GgufFile file, String key) {
        return optional(file, key).orElseThrow(() -> problem(file, "missing " + PREFIX + key));
    }

    private static Optional<Integer> optional(GgufFile file, String key) {
        Object value = file.metadata().get(PREFIX + key);
        if (value == null) {
            return Optional.empty();
        }
        if ((value instanceof Integer || value instanceof Long) && ((Number) value).longValue() > 0
                && ((Number) value).longValue() <= Integer.MAX_VALUE) {
            return Optional.of(((Number) value).intValue());
        }
        throw problem(file, PREFIX + key + " must be a positive integer, got " + value);
    }

    private static Optional<Double> real(GgufFile file, String key) {
        Object value = file.metadata().get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Number number && Double.isFinite(number.doubleValue()) && number.doubleValue() > 0) {
            return Optional.of(number.doubleValue());
        }
        throw problem(file, key + " must be a positive number, got " + value);
    }

    private static ModelDirectoryException problem(GgufFile file, String what) {
        return new ModelDirectoryException(file.fileName() + ": " + what);
    }
}
