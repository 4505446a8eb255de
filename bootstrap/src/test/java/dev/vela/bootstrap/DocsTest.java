package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.rest.wire.ChatCompletionRequest;
import dev.vela.adapters.rest.wire.CompletionRequest;
import dev.vela.adapters.rest.wire.DetokenizeRequest;
import dev.vela.adapters.rest.wire.TokenizeChatRequest;
import dev.vela.adapters.rest.wire.TokenizeCompletionRequest;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.junit.jupiter.api.Test;

/**
 * {@code /docs} is Swagger UI over the OpenAPI document, which {@code /openapi.json} serves as
 * JSON: every public endpoint, every request field under its wire name, complete response schemas,
 * the error shape and the example requests.
 */
@WithVelaServer
class DocsTest {

    private static final Map<String, List<String>> ENDPOINTS = Map.of(
            "/v1/models", List.of("get"), "/v1/completions", List.of("post"), "/v1/chat/completions", List.of("post"),
            "/tokenize", List.of("post"), "/detokenize", List.of("post"), "/health", List.of("get"),
            "/ping", List.of("get", "post"), "/version", List.of("get"));

    private static JsonObject document(TestClient client) {
        TestClient.Reply reply = client.get("/openapi.json");
        assertEquals(200, reply.status());
        assertTrue(reply.contentType().startsWith("application/json"), reply.contentType());
        return reply.json();
    }

    @Test
    void docsServesSwaggerUi(TestClient client) {
        TestClient.Reply docs = client.get("/docs");
        assertEquals(307, docs.status());
        assertEquals("/docs/index.html", docs.header("Location"));
        TestClient.Reply page = client.get("/docs/index.html");
        assertEquals(200, page.status());
        assertTrue(page.contentType().startsWith("text/html"), page.contentType());
        assertTrue(page.body().contains("swagger-ui"), page.body());
    }

    @Test
    void everyPublicEndpointIsDocumented(TestClient client) {
        JsonObject paths = document(client).getJsonObject("paths");
        ENDPOINTS.forEach((path, methods) -> {
            assertTrue(paths.containsKey(path), path);
            methods.forEach(method -> assertTrue(paths.getJsonObject(path).containsKey(method), method + " " + path));
        });
    }

    @Test
    void everyRequestFieldIsDocumentedUnderItsWireName(TestClient client) {
        JsonObject schemas = document(client).getJsonObject("components").getJsonObject("schemas");
        for (Class<?> request : List.of(CompletionRequest.class, ChatCompletionRequest.class,
                TokenizeCompletionRequest.class, TokenizeChatRequest.class, DetokenizeRequest.class)) {
            String name = request.getAnnotation(Schema.class).name();
            JsonObject properties = schemas.getJsonObject(name).getJsonObject("properties");
            for (RecordComponent field : request.getRecordComponents()) {
                Schema schema = field.getAccessor().getAnnotation(Schema.class);
                if (schema == null || !schema.hidden()) {
                    String wireName = field.getName().replaceAll("([A-Z])", "_$1").toLowerCase(java.util.Locale.ROOT);
                    assertTrue(properties.containsKey(wireName), name + "." + wireName + " in " + properties.keySet());
                }
            }
        }
    }

    @Test
    void everyJsonAnswerHasACompleteSchema(TestClient client) {
        JsonObject document = document(client);
        JsonObject schemas = document.getJsonObject("components").getJsonObject("schemas");
        document.getJsonObject("paths").forEach((path, operations) -> operations.asJsonObject().forEach((method, operation) ->
                operation.asJsonObject().getJsonObject("responses").forEach((status, response) -> {
                    JsonObject content = response.asJsonObject().getJsonObject("content");
                    if (content != null && content.containsKey("application/json")) {
                        JsonObject schema = content.getJsonObject("application/json").getJsonObject("schema");
                        String where = method + " " + path + " " + status;
                        assertTrue(schema.containsKey("$ref"), where + " names its schema: " + schema);
                        String ref = schema.getString("$ref");
                        JsonObject referenced = schemas.getJsonObject(ref.substring(ref.lastIndexOf('/') + 1));
                        assertFalse(referenced.getJsonObject("properties").isEmpty(), where + ": " + ref);
                    }
                })));
    }

    @Test
    void theErrorShapeIsDocumented(TestClient client) {
        JsonObject schemas = document(client).getJsonObject("components").getJsonObject("schemas");
        assertEquals("#/components/schemas/ErrorInfo",
                schemas.getJsonObject("ErrorResponse").getJsonObject("properties").getJsonObject("error").getString("$ref"));
        assertEquals(List.of("code", "message", "param", "type"),
                schemas.getJsonObject("ErrorInfo").getJsonObject("properties").keySet().stream().sorted().toList());
        JsonObject completions = document(client).getJsonObject("paths").getJsonObject("/v1/completions").getJsonObject("post");
        for (String status : List.of("400", "401", "404", "413", "503")) {
            assertTrue(completions.getJsonObject("responses").containsKey(status), status);
        }
    }

    @Test
    void theBriefsRequestsAreExamples(TestClient client) {
        JsonObject paths = document(client).getJsonObject("paths");
        JsonObject chat = examples(paths, "/v1/chat/completions").getJsonObject("chat").getJsonObject("value");
        assertEquals("请介绍下中科院计算所？", chat.getJsonArray("messages").getJsonObject(0).getString("content"));
        assertEquals(0.6, chat.getJsonNumber("temperature").doubleValue());
        JsonObject greedy = examples(paths, "/v1/completions").getJsonObject("greedy").getJsonObject("value");
        assertEquals("San Francisco is a", greedy.getString("prompt"));
        assertTrue(examples(paths, "/tokenize").containsKey("chat"));
        assertTrue(examples(paths, "/detokenize").containsKey("ids"));
    }

    private static JsonObject examples(JsonObject paths, String path) {
        return paths.getJsonObject(path).getJsonObject("post").getJsonObject("requestBody").getJsonObject("content")
                .getJsonObject("application/json").getJsonObject("examples");
    }

    @Test
    void theDocumentIsOpenApi3(TestClient client) {
        JsonValue version = document(client).get("openapi");
        assertTrue(version.toString().startsWith("\"3."), version.toString());
    }
}
