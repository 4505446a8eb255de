package dev.vela.adapters.hf;

import dev.vela.application.port.out.Qwen2Tensor;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/** llama.cpp's names of a Qwen2 model's tensors in GGUF files, and the Hugging Face names they stand for. */
public final class Qwen2GgufNames {

    private static final String EMBEDDING = "token_embd.weight";
    private static final String FINAL_NORM = "output_norm.weight";
    /** Absent when the output projection is tied to the embedding. */
    static final String OUTPUT = "output.weight";
    private static final String BLOCK = "blk.";
    private static final Map<Qwen2Tensor, String> LAYER_NAMES = new EnumMap<>(Map.ofEntries(
            Map.entry(Qwen2Tensor.INPUT_LAYERNORM, "attn_norm.weight"),
            Map.entry(Qwen2Tensor.Q_PROJ, "attn_q.weight"),
            Map.entry(Qwen2Tensor.Q_PROJ_BIAS, "attn_q.bias"),
            Map.entry(Qwen2Tensor.K_PROJ, "attn_k.weight"),
            Map.entry(Qwen2Tensor.K_PROJ_BIAS, "attn_k.bias"),
            Map.entry(Qwen2Tensor.V_PROJ, "attn_v.weight"),
            Map.entry(Qwen2Tensor.V_PROJ_BIAS, "attn_v.bias"),
            Map.entry(Qwen2Tensor.O_PROJ, "attn_output.weight"),
            Map.entry(Qwen2Tensor.POST_ATTENTION_LAYERNORM, "ffn_norm.weight"),
            Map.entry(Qwen2Tensor.GATE_PROJ, "ffn_gate.weight"),
            Map.entry(Qwen2Tensor.UP_PROJ, "ffn_up.weight"),
            Map.entry(Qwen2Tensor.DOWN_PROJ, "ffn_down.weight")));

    private Qwen2GgufNames() {
    }

    /**
     * llama.cpp's name for the Hugging Face Qwen2 tensor {@code name}.
     *
     * @throws IllegalArgumentException when llama.cpp's qwen2 architecture has no such tensor
     */
    public static String ggufName(String name) {
        return switch (name) {
            case Qwen2Tensor.EMBEDDING -> EMBEDDING;
            case Qwen2Tensor.FINAL_NORM -> FINAL_NORM;
            case Qwen2Tensor.LM_HEAD -> OUTPUT;
            default -> {
                Optional<Qwen2Tensor> inLayer = Qwen2Tensor.inLayer(name);
                if (inLayer.isEmpty()) {
                    throw new IllegalArgumentException("no llama.cpp qwen2 tensor for " + name);
                }
                yield BLOCK + Qwen2Tensor.layerOf(name).orElseThrow() + "." + LAYER_NAMES.get(inLayer.get());
            }
        };
    }

    /** The Hugging Face name of the GGUF tensor {@code name}, when it is one of a Qwen2 model's. */
    public static Optional<String> huggingFaceName(String name) {
        switch (name) {
            case EMBEDDING:
                return Optional.of(Qwen2Tensor.EMBEDDING);
            case FINAL_NORM:
                return Optional.of(Qwen2Tensor.FINAL_NORM);
            case OUTPUT:
                return Optional.of(Qwen2Tensor.LM_HEAD);
            default:
                break;
        }
        OptionalInt layer = layerOf(name);
        if (layer.isEmpty()) {
            return Optional.empty();
        }
        String within = name.substring(name.indexOf('.', BLOCK.length()) + 1);
        for (Map.Entry<Qwen2Tensor, String> entry : LAYER_NAMES.entrySet()) {
            if (entry.getValue().equals(within)) {
                return Optional.of(entry.getKey().of(layer.getAsInt()));
            }
        }
        return Optional.empty();
    }

    /** The layer of {@code blk.<digits>.<rest>}. */
    private static OptionalInt layerOf(String name) {
        if (!name.startsWith(BLOCK)) {
            return OptionalInt.empty();
        }
        int end = BLOCK.length();
        while (end < name.length() && Character.isDigit(name.charAt(end)) && end - BLOCK.length() < 9) {
            end++;
        }
        boolean shaped = end > BLOCK.length() && end + 1 < name.length() && name.charAt(end) == '.';
        return shaped ? OptionalInt.of(Integer.parseInt(name.substring(BLOCK.length(), end))) : OptionalInt.empty();
    }
}
