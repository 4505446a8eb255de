package dev.vela.bootstrap;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

    Reply get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60)).GET().build());
    }

    /**
     * Any request, with headers given as name, value, name, value...; a null body sends none.
     */
    Reply request(String method, String path, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
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
