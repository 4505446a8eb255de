package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * What a connection may and may not do, seen on the wire: idle and slow connections are closed
 * (keep-alive and read timeouts of 1 s here), broken framing is a 400 in the OpenAI shape, and the
 * server serves the next client afterwards.
 */
@WithVelaServer(settings = {"vela.served-model-name=DeepSeek-R1-Distill-Qwen-32B", "vela.max-model-len=1024",
    "vela.timeout-keep-alive=1", "vela.read-timeout=1"})
class ConnectionTest {

    private static final String COMPLETION = "{\"prompt\": \"Hello\", \"max_tokens\": 2}";

    private static String post(String framing, String body) {
        return "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" + framing
                + "\r\n" + body;
    }

    private static void assertBadRequest(RawHttp.Response response, String messagePart) {
        assertEquals(400, response.status(), response.toString());
        assertEquals("application/json", response.header("Content-Type"));
        JsonObject error = response.error();
        assertEquals("BadRequestError", error.getString("type"));
        assertEquals(400, error.getInt("code"));
        assertTrue(error.getString("message").contains(messagePart), error.getString("message"));
    }

    private static void assertStillServing(TestClient client) {
        assertEquals(200, RawHttp.modelsList(client.port()).status());
    }

    @Test
    void aConnectionThatSendsNothingIsClosedAfterTheKeepAliveTimeout(TestClient client) {
        try (RawHttp silent = new RawHttp(client.port())) {
            assertTrue(silent.closedByServer());
        }
        assertStillServing(client);
    }

    @Test
    void aKeepAliveConnectionIsClosedWhenNoSecondRequestComes(TestClient client) {
        try (RawHttp http = new RawHttp(client.port())) {
            assertEquals(200, http.send("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").read().status());
            assertTrue(http.closedByServer());
        }
        assertStillServing(client);
    }

    @Test
    void aRequestHeadThatStopsHalfWayIsAnswered400AndClosed(TestClient client) {
        try (RawHttp http = new RawHttp(client.port())) {
            RawHttp.Response response = http.send("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n").read();
            assertBadRequest(response, "its head did not arrive in full within 1 s (vela.read-timeout)");
            assertEquals("close", response.header("Connection"));
            assertTrue(http.closedByServer());
        }
        assertStillServing(client);
    }

    @Test
    void aBodyShorterThanItsContentLengthIsAnswered400AndClosed(TestClient client) {
        try (RawHttp http = new RawHttp(client.port())) {
            RawHttp.Response response = http.send(post("Content-Length: 500\r\n", COMPLETION)).read();
            assertBadRequest(response, "no more of its body arrived for 1 s (vela.read-timeout)");
            assertEquals("close", response.header("Connection"));
            assertTrue(http.closedByServer());
        }
        assertStillServing(client);
    }

    @Test
    void aNegativeContentLengthIsRefusedWith400(TestClient client) {
        RawHttp.Response response = RawHttp.exchange(client.port(), post("Content-Length: -1\r\n", COMPLETION));
        assertBadRequest(response, "Invalid Content-Length header: '-1'");
        assertStillServing(client);
    }

    @Test
    void twoDifferentContentLengthsAreRefusedWith400(TestClient client) {
        RawHttp.Response response = RawHttp.exchange(client.port(),
                post("Content-Length: " + COMPLETION.length() + "\r\nContent-Length: 5\r\n", COMPLETION));
        assertBadRequest(response, "Conflicting Content-Length headers: " + COMPLETION.length() + ", 5");
        assertStillServing(client);
    }

    @Test
    void aContentLengthAlongsideChunkedIsRefusedWith400(TestClient client) {
        RawHttp.Response response = RawHttp.exchange(client.port(), post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
                Integer.toHexString(COMPLETION.length()) + "\r\n" + COMPLETION + "\r\n0\r\n\r\n"));
        assertBadRequest(response, "both Content-Length and Transfer-Encoding");
        assertStillServing(client);
    }

    @Test
    void aChunkSizeThatIsNotHexIsRefusedWith400(TestClient client) {
        RawHttp.Response response = RawHttp.exchange(client.port(),
                post("Transfer-Encoding: chunked\r\n", "zz\r\n" + COMPLETION + "\r\n0\r\n\r\n"));
        assertBadRequest(response, "The request body could not be read: its framing is broken");
        assertEquals("close", response.header("Connection"));
        assertStillServing(client);
    }

    @Test
    void aGarbageRequestLineIsAnswered400InTheOpenAiShape(TestClient client) {
        RawHttp.Response response = RawHttp.exchange(client.port(), "HELLO THERE\r\n\r\n");
        assertBadRequest(response, "Invalid HTTP request received.");
        assertStillServing(client);
    }

    @Test
    void anUnknownCharsetIsRefusedWith400NamingIt(TestClient client) {
        RawHttp.Response response = RawHttp.exchange(client.port(),
                "POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json; charset=bogus\r\n"
                        + "Content-Length: " + COMPLETION.length() + "\r\n\r\n" + COMPLETION);
        assertBadRequest(response, "Unsupported charset 'bogus'");
        assertStillServing(client);
    }

    @Test
    void anUnknownApiPathIsA404InTheOpenAiShape(TestClient client) {
        RawHttp.Response response = RawHttp.exchange(client.port(), "GET /v1/nope HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertEquals(404, response.status());
        assertEquals("application/json", response.header("Content-Type"));
        assertEquals("NotFoundError", response.error().getString("type"));
        assertEquals(404, response.error().getInt("code"));
        assertStillServing(client);
    }

    @Test
    void connectionCloseClosesTheConnectionAfterTheResponse(TestClient client) {
        try (RawHttp http = new RawHttp(client.port())) {
            RawHttp.Response response = http.send("GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .read();
            assertEquals(200, response.status());
            assertEquals("close", response.header("Connection"));
            assertTrue(http.closedByServer());
        }
        assertStillServing(client);
    }

    @Test
    void anHttp10RequestWithoutHostIsServedAndTheConnectionClosed(TestClient client) {
        try (RawHttp http = new RawHttp(client.port())) {
            RawHttp.Response response = http.send("GET /v1/models HTTP/1.0\r\n\r\n").read();
            assertEquals(200, response.status());
            assertEquals("close", response.header("Connection"));
            assertNull(response.header("Transfer-Encoding"));
            assertTrue(response.body().contains("\"DeepSeek-R1-Distill-Qwen-32B\""), response.body());
            assertTrue(http.closedByServer());
        }
        assertStillServing(client);
    }

    @Test
    void anHttp10ClientGetsAStreamWithoutChunkedCoding(TestClient client) {
        String stream = "{\"prompt\": \"Hello\", \"max_tokens\": 3, \"stream\": true}";
        RawHttp.Response response = RawHttp.exchange(client.port(), "POST /v1/completions HTTP/1.0\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + stream.length() + "\r\n\r\n" + stream);
        assertEquals(200, response.status());
        assertNull(response.header("Transfer-Encoding"));
        assertTrue(response.body().startsWith("data: {"), response.body());
        assertTrue(response.body().strip().endsWith("data: [DONE]"), response.body());
        assertFalse(response.body().contains("\r\n0\r\n"), response.body());
        assertStillServing(client);
    }
}
