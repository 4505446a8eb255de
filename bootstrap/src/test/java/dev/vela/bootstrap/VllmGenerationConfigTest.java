package dev.vela.bootstrap;

import static dev.vela.bootstrap.GenerationConfigDefaultsTest.sampled;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/** With {@code --generation-config vllm}, omitted fields take vLLM's built-ins (temperature 1, top_p 1). */
@WithVelaServer(settings = {"vela.served-model-name=DeepSeek-R1-Distill-Qwen-32B", "vela.max-model-len=1024",
    "vela.generation-config=vllm"})
class VllmGenerationConfigTest {

    @Test
    void omittedTemperatureAndTopPAreVllmsBuiltIns(TestClient client) {
        String implicit = sampled(client, "");
        assertEquals(sampled(client, ", \"temperature\": 1.0, \"top_p\": 1.0"), implicit);
        assertNotEquals(sampled(client, ", \"temperature\": 0.6, \"top_p\": 0.95"), implicit);
    }
}
