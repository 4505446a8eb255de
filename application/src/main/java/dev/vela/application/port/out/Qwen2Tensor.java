package dev.vela.application.port.out;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * The names of a Qwen2 model's tensors as Hugging Face checkpoints store them: the keys of
 * {@link ModelWeights} for this architecture, which every runner reads and every model writer
 * writes, so that they agree by construction. The constants are the tensors each decoder layer
 * has ({@link #of} names one in a layer); {@link #EMBEDDING}, {@link #FINAL_NORM} and
 * {@link #LM_HEAD} are the model's others.
 */
public enum Qwen2Tensor {
    INPUT_LAYERNORM("input_layernorm.weight"),
    Q_PROJ("self_attn.q_proj.weight"),
    Q_PROJ_BIAS("self_attn.q_proj.bias"),
    K_PROJ("self_attn.k_proj.weight"),
    K_PROJ_BIAS("self_attn.k_proj.bias"),
    V_PROJ("self_attn.v_proj.weight"),
    V_PROJ_BIAS("self_attn.v_proj.bias"),
    O_PROJ("self_attn.o_proj.weight"),
    POST_ATTENTION_LAYERNORM("post_attention_layernorm.weight"),
    GATE_PROJ("mlp.gate_proj.weight"),
    UP_PROJ("mlp.up_proj.weight"),
    DOWN_PROJ("mlp.down_proj.weight");

    public static final String EMBEDDING = "model.embed_tokens.weight";
    public static final String FINAL_NORM = "model.norm.weight";
    /** Absent, or not used, when the model ties its output projection to the embedding. */
    public static final String LM_HEAD = "lm_head.weight";
    private static final String LAYERS = "model.layers.";

    private final String withinLayer;

    Qwen2Tensor(String withinLayer) {
        this.withinLayer = withinLayer;
    }

    /** This tensor's name in decoder layer {@code layer}. */
    public String of(int layer) {
        return LAYERS + layer + "." + withinLayer;
    }

    /** The decoder layer {@code name} is a tensor of ({@code model.layers.<layer>.<anything>}), if it is one. */
    public static OptionalInt layerOf(String name) {
        int end = digitsEnd(name);
        return end < 0 ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(name.substring(LAYERS.length(), end)));
    }

    /** Which of a layer's tensors {@code name} is, if it names one. */
    public static Optional<Qwen2Tensor> inLayer(String name) {
        int end = digitsEnd(name);
        if (end < 0) {
            return Optional.empty();
        }
        String within = name.substring(end + 1);
        for (Qwen2Tensor tensor : values()) {
            if (tensor.withinLayer.equals(within)) {
                return Optional.of(tensor);
            }
        }
        return Optional.empty();
    }

    /** Where the layer number of {@code model.layers.<digits>.<rest>} ends, or -1 when {@code name} is not so. */
    private static int digitsEnd(String name) {
        if (!name.startsWith(LAYERS)) {
            return -1;
        }
        int end = LAYERS.length();
        while (end < name.length() && name.charAt(end) >= '0' && name.charAt(end) <= '9') {
            end++;
        }
        boolean shaped = end > LAYERS.length() && end + 1 < name.length() && name.charAt(end) == '.';
        return shaped ? end : -1;
    }
}
