package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** vLLM's endpoints around the API: probes, version, request ids; without --api-key every key (or none) is let in. */
@WithVelaServer
class ServerEndpointsTest {

    @Test
    void healthIs200WithAnEmptyBodyWhileServing(TestClient client) {
        TestClient.Reply health = client.get("/health");
        assertEquals(200, health.status());
        assertEquals("", health.body());
    }

    @Test
    void pingAnswersLikeHealthToGetAndPost(TestClient client) {
        assertEquals(200, client.get("/ping").status());
        assertEquals(200, client.request("POST", "/ping", null).status());
    }

    @Test
    void microProfileHealthKeepsLivenessAndReadiness(TestClient client) {
        assertEquals("UP", client.get("/health/live").json().getString("status"));
        TestClient.Reply ready = client.get("/health/ready");
        assertEquals("UP", ready.json().getString("status"));
        assertTrue(ready.body().contains("\"model\":\"DeepSeek-R1-Distill-Qwen-32B\""), ready.body());
    }

    @Test
    void versionNamesTheServersVersion(TestClient client) {
        TestClient.Reply version = client.get("/version");
        assertEquals(200, version.status());
        assertEquals(VelaVersion.current(), version.json().getString("version"));
    }

    @Test
    void everyResponseCarriesARequestId(TestClient client) {
        for (String path : new String[] {"/v1/models", "/health", "/metrics", "/openapi.json", "/no/such/path"}) {
            String id = client.get(path).header("X-Request-Id");
            assertTrue(id != null && id.matches("[0-9a-f]{32}"), path + ": " + id);
        }
        assertNotEquals(client.get("/health").header("X-Request-Id"), client.get("/health").header("X-Request-Id"));
    }

    @Test
    void theClientsRequestIdIsEchoed(TestClient client) {
        TestClient.Reply reply = client.request("POST", "/v1/completions", "{\"prompt\": \"Hi\", \"max_tokens\": 2}",
                "X-Request-Id", "trace-42.a:b");
        assertEquals(200, reply.status());
        assertEquals("trace-42.a:b", reply.header("X-Request-Id"));
    }

    @Test
    void aRequestIdThatCouldBreakALogLineIsReplaced(TestClient client) {
        String id = client.request("GET", "/health", null, "X-Request-Id", "x".repeat(200)).header("X-Request-Id");
        assertTrue(id.matches("[0-9a-f]{32}"), id);
    }

    @Test
    void withoutAnApiKeyAnyAuthorizationOrNoneIsAccepted(TestClient client) {
        assertEquals(200, client.get("/v1/models").status());
        assertEquals(200, client.request("GET", "/v1/models", null, "Authorization", "Bearer whatever").status());
    }
}
