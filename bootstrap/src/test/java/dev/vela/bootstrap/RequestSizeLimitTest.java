package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A request body over {@code vela.max-request-bytes} (4 KiB here) is refused with 413 in the OpenAI error shape. */
@WithVelaServer(settings = {"vela.served-model-name=DeepSeek-R1-Distill-Qwen-32B", "vela.max-model-len=1024",
    ApiKeyTest.KEY_SETTING, ApiKeyTest.LIMIT_SETTING})
class RequestSizeLimitTest {

    private static String completion(int promptChars) {
        return "{\"prompt\": \"" + "a".repeat(promptChars) + "\", \"max_tokens\": 1}";
    }

    private static TestClient.Reply post(TestClient client, HttpRequest.BodyPublisher body) {
        return client.post("/v1/completions", body, "Authorization", "Bearer " + ApiKeyTest.KEY);
    }

    private static void assertTooLarge(TestClient.Reply response) {
        assertEquals(413, response.status(), response.body());
        JsonObject error = response.json().getJsonObject("error");
        assertEquals("RequestEntityTooLarge", error.getString("type"));
        assertEquals(413, error.getInt("code"));
        assertTrue(error.getString("message").contains("at most 4096 bytes (vela.max-request-bytes)"), error.getString("message"));
    }

    @Test
    void aBodyWhoseLengthIsOverTheLimitIsRefused(TestClient client) {
        assertTooLarge(post(client, HttpRequest.BodyPublishers.ofString(completion(5000))));
    }

    /** 6000 and 20000 bytes: RequestSizeFilter stops the read past 4 KiB and drops the rest of the body. */
    @ParameterizedTest
    @ValueSource(ints = {6000, 20_000})
    void aChunkedBodyIsRefusedOnceItPassesTheLimit(int promptChars, TestClient client) {
        byte[] body = completion(promptChars).getBytes(StandardCharsets.UTF_8);
        TestClient.Reply response = post(client, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
        assertTooLarge(response);
        // The rest of that body is still on the connection: it must not be pooled for the next request.
        assertEquals("close", response.header("Connection"));
    }

    @Test
    void theNextRequestAfterAChunkedBodyWasRefusedIsServed(TestClient client) {
        // A client that pools connections must not send its next request on the refused one.
        byte[] body = completion(20_000).getBytes(StandardCharsets.UTF_8);
        assertTooLarge(post(client, HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
        assertEquals(200, post(client, HttpRequest.BodyPublishers.ofString(completion(1000))).status());
    }

    /**
     * A declared length over Helidon's hard stop ({@code server.max-payload-size}: the limit plus
     * max(limit, 1 MiB)) is refused by Helidon before any of Vela's code runs: 413 with no body (Helidon
     * MP gives no hook for those early answers), and the server goes on serving.
     */
    @Test
    void aDeclaredLengthOverTheHardStopIsRefusedAndTheServerKeepsServing(TestClient client) {
        byte[] body = completion(2 << 20).getBytes(StandardCharsets.UTF_8);
        TestClient.Reply response = post(client, HttpRequest.BodyPublishers.ofByteArray(body));
        assertEquals(413, response.status(), response.body());
        assertEquals(200, post(client, HttpRequest.BodyPublishers.ofString(completion(1000))).status());
    }

    /** One chunk bigger than the hard stop: Helidon refuses it before RequestSizeFilter counts a byte. */
    @Test
    void aSingleChunkOverTheHardStopIsRefusedInTheSameShape(TestClient client) throws Exception {
        byte[] body = completion(2 << 20).getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", client.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            String head = "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + ApiKeyTest.KEY + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(body.length) + "\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            try {
                out.write(body);
                out.write("\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (IOException refusedMidway) {
                // the server may answer and close before it has read the whole chunk
            }
            String reply = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(reply.startsWith("HTTP/1.1 413"), reply);
            String json = reply.substring(reply.indexOf("\r\n\r\n") + 4);
            assertTrue(json.contains("\"type\":\"RequestEntityTooLarge\"") && json.contains("(vela.max-request-bytes)"), json);
        }
        assertEquals(200, post(client, HttpRequest.BodyPublishers.ofString(completion(1000))).status());
    }

    @Test
    void aBodyUnderTheLimitIsServedAndTheServerKeepsServing(TestClient client) {
        post(client, HttpRequest.BodyPublishers.ofString(completion(5000)));
        assertEquals(200, post(client, HttpRequest.BodyPublishers.ofString(completion(1000))).status());
    }
}
