package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A request body over {@code vela.max-request-bytes} (4 KiB here) is refused with 413 in the OpenAI error shape. */
@WithVelaServer(settings = {"vela.served-model-name=DeepSeek-R1-Distill-Qwen-32B", "vela.max-model-len=1024",
    ApiKeyTest.KEY_SETTING, ApiKeyTest.LIMIT_SETTING})
class RequestSizeLimitTest {

    private static String completion(int promptChars) {
        return "{\"prompt\": \"" + "a".repeat(promptChars) + "\", \"max_tokens\": 1}";
    }

    private static HttpResponse<String> post(TestClient client, HttpRequest.BodyPublisher body) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + client.port()
                        + "/v1/completions")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + ApiKeyTest.KEY).POST(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void assertTooLarge(HttpResponse<String> response) {
        assertEquals(413, response.statusCode(), response.body());
        JsonObject error = Json.createReader(new StringReader(response.body())).readObject().getJsonObject("error");
        assertEquals("RequestEntityTooLarge", error.getString("type"));
        assertEquals(413, error.getInt("code"));
        assertTrue(error.getString("message").contains("at most 4096 bytes (vela.max-request-bytes)"), error.getString("message"));
    }

    @Test
    void aBodyWhoseLengthIsOverTheLimitIsRefused(TestClient client) throws Exception {
        assertTooLarge(post(client, HttpRequest.BodyPublishers.ofString(completion(5000))));
    }

    @Test
    void aChunkedBodyIsRefusedOnceItPassesTheLimit(TestClient client) throws Exception {
        byte[] body = completion(20_000).getBytes(StandardCharsets.UTF_8);
        assertTooLarge(post(client, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
    }

    @Test
    void aBodyUnderTheLimitIsServedAndTheServerKeepsServing(TestClient client) throws Exception {
        post(client, HttpRequest.BodyPublishers.ofString(completion(5000)));
        assertEquals(200, post(client, HttpRequest.BodyPublishers.ofString(completion(1000))).statusCode());
    }
}
