package dev.vela.application.port.out;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class Qwen2TensorTest {

    @Test
    void aLayersTensorIsNamedAsHuggingFaceStoresIt() {
        assertEquals("model.layers.3.self_attn.q_proj.weight", Qwen2Tensor.Q_PROJ.of(3));
        assertEquals("model.layers.0.post_attention_layernorm.weight", Qwen2Tensor.POST_ATTENTION_LAYERNORM.of(0));
        assertEquals("model.layers.27.mlp.down_proj.weight", Qwen2Tensor.DOWN_PROJ.of(27));
    }

    @Test
    void everyLayerTensorsNameGivesBackItsLayerAndWhatItIs() {
        for (Qwen2Tensor tensor : Qwen2Tensor.values()) {
            assertEquals(OptionalInt.of(12), Qwen2Tensor.layerOf(tensor.of(12)), tensor.name());
            assertEquals(Optional.of(tensor), Qwen2Tensor.inLayer(tensor.of(12)), tensor.name());
        }
    }

    @Test
    void namesOutsideTheLayersHaveNoLayer() {
        for (String name : new String[] {Qwen2Tensor.EMBEDDING, Qwen2Tensor.FINAL_NORM, Qwen2Tensor.LM_HEAD,
                "model.layers.x.mlp.up_proj.weight", "model.layers.3", "model.layers..mlp.up_proj.weight"}) {
            assertTrue(Qwen2Tensor.layerOf(name).isEmpty(), name);
            assertTrue(Qwen2Tensor.inLayer(name).isEmpty(), name);
        }
    }

    @Test
    void aTensorOfALayerThatQwen2DoesNotHaveHasALayerButIsNoneOfItsTensors() {
        assertEquals(OptionalInt.of(4), Qwen2Tensor.layerOf("model.layers.4.self_attn.rotary_emb.inv_freq"));
        assertTrue(Qwen2Tensor.inLayer("model.layers.4.self_attn.rotary_emb.inv_freq").isEmpty());
    }
}
