package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
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

    /**
     * Sends a completion request's head, ending with {@code rest} (its framing header and whatever
     * follows), on a connection of its own, and reads the one answer; the body is never sent.
     */
    private static String answerToTheStartOf(TestClient client, String rest) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", client.port())) {
            socket.setSoTimeout(30_000);
            String head = "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Authorization: Bearer " + ApiKeyTest.KEY + "\r\n" + rest;
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            return response(socket.getInputStream());
        }
    }

    /** One HTTP/1.1 response read off a socket (the connection may stay open): its head and its body, chunked or not. */
    private static String response(InputStream in) throws IOException {
        String head = line(in);
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            head += "\r\n" + header;
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)\r\ncontent-length: *(\\d+)").matcher(head);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (length.find()) {
            body.writeBytes(in.readNBytes(Integer.parseInt(length.group(1))));
        } else if (head.toLowerCase(java.util.Locale.ROOT).contains("\r\ntransfer-encoding: chunked")) {
            for (int size = Integer.parseInt(line(in).strip(), 16); size > 0; size = Integer.parseInt(line(in).strip(), 16)) {
                body.writeBytes(in.readNBytes(size));
                line(in);
            }
        }
        return head + "\r\n\r\n" + body.toString(StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
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
     * max(limit, 1 MiB)) is refused by Helidon from the headers, before any resource runs: 413 in the
     * OpenAI shape (the connection's own error answers), and the server goes on serving. Only the
     * headers are sent here: a client still sending the body when Helidon closes the connection may
     * see it reset instead of the 413.
     */
    @Test
    void aDeclaredLengthOverTheHardStopIsRefusedAndTheServerKeepsServing(TestClient client) throws Exception {
        String reply = answerToTheStartOf(client, "Content-Length: " + (2 << 20) + "\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 413"), reply);
        assertTrue(reply.contains("\"type\":\"RequestEntityTooLarge\""), reply);
        assertEquals(200, post(client, HttpRequest.BodyPublishers.ofString(completion(1000))).status());
    }

    /**
     * One chunk bigger than the hard stop: Helidon refuses it from its size line, before
     * RequestSizeFilter counts a byte, and the refusal has the OpenAI shape. Only the size line is
     * sent, so that no unread data can make the connection reset under the answer.
     */
    @Test
    void aSingleChunkOverTheHardStopIsRefusedInTheSameShape(TestClient client) throws Exception {
        String reply = answerToTheStartOf(client, "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(2 << 20) + "\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 413"), reply);
        String json = reply.substring(reply.indexOf("\r\n\r\n") + 4);
        assertTrue(json.contains("\"type\":\"RequestEntityTooLarge\"") && json.contains("(vela.max-request-bytes)"), reply);
        assertEquals(200, post(client, HttpRequest.BodyPublishers.ofString(completion(1000))).status());
    }

    @Test
    void aBodyUnderTheLimitIsServedAndTheServerKeepsServing(TestClient client) {
        post(client, HttpRequest.BodyPublishers.ofString(completion(5000)));
        assertEquals(200, post(client, HttpRequest.BodyPublishers.ofString(completion(1000))).status());
    }
}
