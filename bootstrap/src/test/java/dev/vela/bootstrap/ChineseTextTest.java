package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.hf.HfTokenizer;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Chinese text survives the whole path: tokenizer, prompt echo, and streamed chunks. */
@WithVelaServer
class ChineseTextTest {

    private static final String PROMPT = "请介绍下中科院计算所？";

    @Test
    void theChinesePromptsTokenIdsDecodeBackToTheSameText() {
        HfTokenizer tokenizer = HfTokenizer.load(
                VelaServerExtension.model(ModelPreset.TINY, WeightType.FLOAT32).resolve("tokenizer.json"));
        int[] ids = tokenizer.encode(PROMPT, false);
        assertEquals(PROMPT, tokenizer.decode(ids, false));
        assertTrue(ids.length > PROMPT.length(), "the tiny vocabulary splits characters into bytes");
    }

    @Test
    void echoReturnsTheChinesePromptUnchanged(TestClient client) {
        TestClient.Reply reply = client.post("/v1/completions",
                "{\"prompt\": \"" + PROMPT + "\", \"max_tokens\": 3, \"echo\": true, \"temperature\": 0}");
        assertEquals(200, reply.status(), reply.body());
        assertTrue(reply.text().startsWith(PROMPT));
    }

    @Test
    void streamedChunksNeverHoldABrokenCharacter(TestClient client) {
        String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"" + PROMPT + "\"}], \"max_tokens\": 64, "
                + "\"temperature\": 1.0, \"seed\": 11, \"stream\": %s}";
        String whole = client.post("/v1/chat/completions", body.formatted("false"))
                .json().getJsonArray("choices").getJsonObject(0).getJsonObject("message").getString("content");
        StringBuilder streamed = new StringBuilder();
        for (JsonObject event : client.post("/v1/chat/completions", body.formatted("true")).events()) {
            JsonObject delta = event.getJsonArray("choices").getJsonObject(0).getJsonObject("delta");
            if (delta.containsKey("content")) {
                String text = delta.getString("content");
                assertEquals(text, new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                        "a chunk is whole UTF-8 text");
                assertFalse(!text.isEmpty() && Character.isHighSurrogate(text.charAt(text.length() - 1)),
                        "no chunk ends inside a surrogate pair");
                streamed.append(text);
            }
        }
        assertEquals(whole, streamed.toString(), "the same seed streams the same text, chunk boundaries aside");
    }
}
