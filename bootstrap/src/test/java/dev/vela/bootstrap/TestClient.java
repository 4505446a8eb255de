package dev.vela.bootstrap;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Talks to the test server: through the official OpenAI Java SDK, or as raw HTTP where the SDK hides a field. */
final class TestClient {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final int port;

    TestClient(int port) {
        this.port = port;
    }

    int port() {
        return port;
    }

    OpenAIClient openai() {
        return openai("any-key-works");
    }

    OpenAIClient openai(String apiKey) {
        return OpenAIOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + port + "/v1")
                .apiKey(apiKey)
                .maxRetries(0)
                .build();
    }

    /** An HTTP response with its body as text. */
    record Reply(int status, String contentType, String body, java.net.http.HttpHeaders headers) {

        String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        JsonObject json() {
            try (JsonReader reader = Json.createReader(new StringReader(body))) {
                return reader.readObject();
            }
        }

        /** The JSON payloads of a server-sent event stream, without the final [DONE]. */
        List<JsonObject> events() {
            List<JsonObject> events = new ArrayList<>();
            for (String line : body.split("\n")) {
                if (line.startsWith("data: ") && !line.equals("data: [DONE]")) {
                    try (JsonReader reader = Json.createReader(new StringReader(line.substring(6)))) {
                        events.add(reader.readObject());
                    }
                }
            }
            return events;
        }

        /** The first choice's text, as a completion answers it whole. */
        String text() {
            return json().getJsonArray("choices").getJsonObject(0).getString("text");
        }

        /**
         * {@code field} of a chat stream's deltas after the opening one (which names the role), joined
         * over every event and choice; null when no delta carries it.
         */
        String streamed(String field) {
            StringBuilder joined = null;
            for (JsonObject event : events()) {
                for (JsonObject choice : event.getJsonArray("choices").getValuesAs(JsonObject.class)) {
                    JsonObject delta = choice.getJsonObject("delta");
                    if (!delta.containsKey("role") && delta.containsKey(field) && !delta.isNull(field)) {
                        joined = (joined == null ? new StringBuilder() : joined).append(delta.getString(field));
                    }
                }
            }
            return joined == null ? null : joined.toString();
        }

        /**
         * In a {@code /metrics} scrape, the value of the first sample of {@code series} whose labels
         * contain each of {@code labels}.
         */
        double metric(String series, String... labels) {
            return body.lines()
                    .filter(line -> line.startsWith(series + "{"))
                    .filter(line -> List.of(labels).stream().allMatch(line::contains))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .findFirst().orElseThrow(() -> new AssertionError(series + " " + List.of(labels) + " not in /metrics"));
        }
    }

    /**
     * A response read as it arrives, on a connection of its own: closing it drops the connection, as
     * a client that goes away does.
     */
    record OpenStream(HttpClient http, BufferedReader body) implements AutoCloseable {

        @Override
        public void close() throws IOException {
            body.close();
            http.close();
        }
    }

    /** The ids of a JSON array of token ids. */
    static int[] ids(JsonArray tokens) {
        return tokens.getValuesAs(JsonNumber.class).stream().mapToInt(JsonNumber::intValue).toArray();
    }

    Reply post(String path, String json) {
        return post(path, json, "application/json");
    }

    Reply post(String path, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(120))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request.build());
    }

    /** Posts JSON as {@code body} publishes it (with no Content-Length when it has none); headers as name, value, .... */
    Reply post(String path, HttpRequest.BodyPublisher body, String... headers) {
        return request("POST", path, body, true, headers);
    }

    /** Posts {@code json} and hands back the response body to read while it is still being written. */
    OpenStream openStream(String path, String json) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        try {
            HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(uri(path))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            return new OpenStream(http, new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8)));
        } catch (IOException | InterruptedException | RuntimeException e) {
            http.close();
            throw e;
        }
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).GET().build());
    }

    /**
     * Any request, with headers given as name, value, name, value...; a null body sends none.
     */
    Reply request(String method, String path, String body, String... headers) {
        return request(method, path, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body),
                body != null, headers);
    }

    private Reply request(String method, String path, HttpRequest.BodyPublisher body, boolean json, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(120)).method(method, body);
        if (json) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request.build());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""), response.body(),
                    response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
