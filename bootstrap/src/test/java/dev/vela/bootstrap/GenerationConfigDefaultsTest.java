package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

/**
 * Fields a request leaves out take the model's generation_config.json values (R1-Distill:
 * temperature 0.6, top_p 0.95), as vLLM does with its default {@code --generation-config auto}.
 */
@WithVelaServer
class GenerationConfigDefaultsTest {

    static String sampled(TestClient client, String fields) {
        TestClient.Reply reply = client.post("/v1/completions",
                "{\"prompt\": \"Once upon a time\", \"max_tokens\": 32, \"seed\": 77, \"ignore_eos\": true" + fields + "}");
        assertEquals(200, reply.status(), reply.body());
        return reply.text();
    }

    @Test
    void omittedTemperatureAndTopPAreTheModelsDefaults(TestClient client) {
        String implicit = sampled(client, "");
        assertEquals(sampled(client, ", \"temperature\": 0.6, \"top_p\": 0.95"), implicit);
        assertNotEquals(sampled(client, ", \"temperature\": 1.0, \"top_p\": 1.0"), implicit);
    }
}
