package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.openai.errors.UnauthorizedException;
import org.junit.jupiter.api.Test;

/**
 * With {@code --api-key}, the OpenAI API ({@code /v1/*}) needs {@code Authorization: Bearer <key>};
 * health, metrics, docs, tokenizer and version stay open, as in vLLM.
 */
@WithVelaServer(settings = {"vela.served-model-name=DeepSeek-R1-Distill-Qwen-32B", "vela.max-model-len=1024",
    ApiKeyTest.KEY_SETTING, ApiKeyTest.LIMIT_SETTING})
class ApiKeyTest {

    static final String KEY = "vela-test-key-7d1f";
    static final String KEY_SETTING = "vela.api-key=" + KEY;
    /** Shared with {@link RequestSizeLimitTest}, so both run against one server. */
    static final String LIMIT_SETTING = "vela.max-request-bytes=4KiB";

    @Test
    void theSdkWithTheKeyIsServed(TestClient client) {
        assertEquals("DeepSeek-R1-Distill-Qwen-32B", client.openai(KEY).models().list().data().getFirst().id());
    }

    @Test
    void theSdkWithAWrongKeyGetsUnauthorized(TestClient client) {
        assertThrows(UnauthorizedException.class, () -> client.openai("not-the-key").models().list());
    }

    @Test
    void aMissingKeyGets401WithVllmsBody(TestClient client) {
        TestClient.Reply reply = client.get("/v1/models");
        assertEquals(401, reply.status());
        assertEquals("{\"error\":\"Unauthorized\"}", reply.body());
    }

    @Test
    void everyOpenAiEndpointIsGuarded(TestClient client) {
        assertEquals(401, client.request("POST", "/v1/chat/completions",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]}", "Authorization", "Bearer wrong").status());
        assertEquals(401, client.request("POST", "/v1/completions", "{\"prompt\": \"Hi\"}",
                "Authorization", KEY).status(), "the key without the Bearer scheme");
        assertEquals(200, client.request("POST", "/v1/completions", "{\"prompt\": \"Hi\", \"max_tokens\": 2}",
                "Authorization", "bearer " + KEY).status(), "the scheme is case-insensitive");
    }

    @Test
    void theEndpointsAroundTheApiStayOpen(TestClient client) {
        for (String path : new String[] {"/health", "/ping", "/health/ready", "/metrics", "/version", "/openapi.json"}) {
            assertEquals(200, client.get(path).status(), path);
        }
        assertEquals(307, client.get("/docs").status());
        assertEquals(200, client.post("/tokenize", "{\"prompt\": \"Hi\"}").status());
    }
}
