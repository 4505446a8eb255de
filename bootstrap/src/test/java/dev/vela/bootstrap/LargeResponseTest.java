package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.ByteArrayInputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Response bodies of several megabytes arrive whole, byte for byte. Past about 4 MB (the most
 * Linux lets a socket's send buffer grow to) the server writes faster than even a quick client
 * reads, the send buffer fills, and socket writes complete only in part: that is where bytes used
 * to go missing from the middle of a chunk.
 */
@WithVelaServer
class LargeResponseTest {

    private static final int TRIES = 5;

    @Test
    void aFourMegabyteTokenizeAnswerArrivesWholeEveryTime(TestClient client) throws Exception {
        String request = Json.createObjectBuilder().add("prompt", prompt(2 << 20)).add("return_token_strs", true).build()
                .toString();
        byte[] first = null;
        for (int i = 0; i < TRIES; i++) {
            byte[] body;
            try (RawConnection connection = new RawConnection(client.port(), 0)) {
                assertEquals(200, connection.post("/tokenize", request));
                body = connection.chunkedBody();
            }
            JsonObject answer = parse(body);
            int count = answer.getInt("count");
            assertEquals(count, answer.getJsonArray("tokens").size(), "try " + i + ": every token id");
            assertEquals(count, answer.getJsonArray("token_strs").size(), "try " + i + ": every token string");
            if (first == null) {
                first = body;
                assertTrue(body.length > 4_200_000, "the answer is large enough to have been cut: " + body.length + " bytes");
            } else {
                assertArrayEquals(first, body, "try " + i + " is byte for byte the first");
            }
        }
        assertEquals(200, client.post("/tokenize", "{\"prompt\": \"Hello\"}").status(), "the server serves on");
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
