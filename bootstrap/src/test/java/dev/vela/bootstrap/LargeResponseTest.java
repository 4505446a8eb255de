package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Response bodies of 8 to 16 MB arrive whole, byte for byte, every time, as one JSON body and as a
 * stream. Past about 4 MB (the most Linux lets a socket's send buffer grow to) the server writes
 * faster than even a quick client reads, the send buffer fills, and socket writes complete only in
 * part: that is where bytes used to go missing from the middle of a chunk.
 */
@WithVelaServer
class LargeResponseTest {

    private static final int TRIES = 3;
    /** Tokenizing a 4 MiB prompt takes seconds on a busy machine: twice is enough to compare. */
    private static final int TOKENIZE_TRIES = 2;
    private static final int LARGE = 8_000_000;
    /** A chat answer of 16 choices of 450 tokens, each token with its 20 most likely alternatives. */
    private static final String CHAT = "{\"messages\": [{\"role\": \"user\", \"content\": \"Tell me everything.\"}], "
            + "\"n\": 16, \"max_tokens\": 450, \"ignore_eos\": true, \"seed\": 11, \"logprobs\": true, \"top_logprobs\": 20";

    @Test
    void anEightMegabyteTokenizeAnswerArrivesWholeEveryTime(TestClient client) throws Exception {
        String request = Json.createObjectBuilder().add("prompt", prompt(4 << 20)).add("return_token_strs", true).build()
                .toString();
        byte[] first = null;
        for (int i = 0; i < TOKENIZE_TRIES; i++) {
            byte[] body = post(client, "/tokenize", request);
            JsonObject answer = parse(body);
            int count = answer.getInt("count");
            assertEquals(count, answer.getJsonArray("tokens").size(), "try " + i + ": every token id");
            assertEquals(count, answer.getJsonArray("token_strs").size(), "try " + i + ": every token string");
            first = sameAsFirst(first, body, i);
        }
        assertEquals(200, client.post("/tokenize", "{\"prompt\": \"Hello\"}").status(), "the server serves on");
    }

    @Test
    void anEightMegabyteChatAnswerArrivesWholeEveryTime(TestClient client) throws Exception {
        byte[] first = null;
        for (int i = 0; i < TRIES; i++) {
            byte[] body = post(client, "/v1/chat/completions", CHAT + "}");
            JsonObject answer = parse(body);
            assertEquals(16, answer.getJsonArray("choices").size(), "try " + i + ": every choice");
            assertEquals(16 * 450, answer.getJsonObject("usage").getInt("completion_tokens"), "try " + i);
            first = sameAsFirst(first, body, i);
        }
    }

    @Test
    void anEightMegabyteChatStreamArrivesWholeEveryTime(TestClient client) throws Exception {
        byte[] first = null;
        for (int i = 0; i < TRIES; i++) {
            byte[] body = post(client, "/v1/chat/completions", CHAT + ", \"stream\": true}");
            String text = new String(body, StandardCharsets.UTF_8);
            assertTrue(text.endsWith("data: [DONE]\n\n"), "try " + i + " ends with [DONE]");
            // every event is whole JSON
            text.lines().filter(line -> line.startsWith("data: {")).forEach(line -> parse(line.substring(6)
                    .getBytes(StandardCharsets.UTF_8)));
            first = sameAsFirst(first, body, i);
        }
    }

    /** The body of a POST, read on a plain socket that checks every chunk against its size line. */
    private static byte[] post(TestClient client, String path, String json) throws Exception {
        try (RawConnection connection = new RawConnection(client.port(), 0)) {
            assertEquals(200, connection.post(path, json));
            return connection.chunkedBody();
        }
    }

    /**
     * Checks that {@code body} is large and, after the first try, byte for byte the first but for
     * the response ids and creation times; returns the first.
     */
    private static byte[] sameAsFirst(byte[] first, byte[] body, int attempt) {
        assertTrue(body.length > LARGE, "the answer is large enough to have been cut: " + body.length + " bytes");
        byte[] comparable = new String(body, StandardCharsets.UTF_8)
                .replaceAll("\"id\":\"chatcmpl-[0-9a-f]+\"", "\"id\":\"chatcmpl-\"")
                .replaceAll("\"created\":[0-9]+", "\"created\":0")
                .getBytes(StandardCharsets.UTF_8);
        if (first != null) {
            assertArrayEquals(first, comparable, "try " + attempt + " is byte for byte the first");
            return first;
        }
        return comparable;
    }

    private static JsonObject parse(byte[] body) {
        try (JsonReader reader = Json.createReader(new ByteArrayInputStream(body))) {
            return reader.readObject();
        }
    }

    /** {@code chars} characters of words, the same every run. */
    private static String prompt(int chars) {
        String[] words = {"hello", "world", "the", "quick", "brown", "fox", "jumps", "over", "lazy", "dog", "中文", "42"};
        Random random = new Random(7);
        StringBuilder text = new StringBuilder(chars + 16);
        while (text.length() < chars) {
            text.append(words[random.nextInt(words.length)]).append(' ');
        }
        return text.substring(0, chars);
    }
}
