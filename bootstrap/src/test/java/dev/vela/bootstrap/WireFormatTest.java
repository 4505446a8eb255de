package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The seed's requests, sent verbatim as curl would, and the exact shapes vLLM answers with:
 * fields, ids, SSE framing, errors. Raw HTTP, because the SDK hides the wire.
 */
@WithVelaServer
class WireFormatTest {

    @Test
    void modelsListHasVllmsShape(TestClient client) {
        TestClient.Reply reply = client.get("/v1/models");
        assertEquals(200, reply.status());
        JsonObject body = reply.json();
        assertEquals("list", body.getString("object"));
        JsonObject model = body.getJsonArray("data").getJsonObject(0);
        assertEquals("DeepSeek-R1-Distill-Qwen-32B", model.getString("id"));
        assertEquals("model", model.getString("object"));
        assertEquals(1024, model.getInt("max_model_len"));
        assertTrue(model.containsKey("created") && model.containsKey("owned_by") && model.containsKey("root"));
        assertEquals(JsonValue.NULL, model.get("parent"));
        assertEquals("model_permission", model.getJsonArray("permission").getJsonObject(0).getString("object"));
    }

    @Test
    void seedCompletionRequestAnswersWithACompletionObject(TestClient client) {
        TestClient.Reply reply = client.post("/v1/completions", """
                {"model": "DeepSeek-R1-Distill-Qwen-32B", "prompt": "San Francisco is a", "max_tokens": 7, "temperature": 0}""");
        assertEquals(200, reply.status(), reply.body());
        JsonObject body = reply.json();
        assertTrue(body.getString("id").startsWith("cmpl-"));
        assertEquals("text_completion", body.getString("object"));
        assertEquals("DeepSeek-R1-Distill-Qwen-32B", body.getString("model"));
        JsonObject choice = body.getJsonArray("choices").getJsonObject(0);
        assertEquals(0, choice.getInt("index"));
        assertEquals(JsonValue.NULL, choice.get("logprobs"));
        assertEquals("length", choice.getString("finish_reason"));
        assertEquals(JsonValue.NULL, choice.get("stop_reason"));
        JsonObject usage = body.getJsonObject("usage");
        assertEquals(7, usage.getInt("completion_tokens"));
        assertEquals(usage.getInt("prompt_tokens") + 7, usage.getInt("total_tokens"));
    }

    @Test
    void seedChatRequestAnswersWithAChatCompletionObject(TestClient client) {
        TestClient.Reply reply = client.post("/v1/chat/completions", """
                {"model": "DeepSeek-R1-Distill-Qwen-32B",
                 "messages": [{"role": "user", "content": "请介绍下中科院计算所？"}],
                 "temperature": 0.6, "top_p": 0.95, "max_tokens": 32, "presence_penalty": 0.5,
                 "frequency_penalty": 0.5, "stop": ["</think>"], "n": 2, "logit_bias": {"100": 2.0}, "seed": 7}""");
        assertEquals(200, reply.status(), reply.body());
        JsonObject body = reply.json();
        assertTrue(body.getString("id").startsWith("chatcmpl-"));
        assertEquals("chat.completion", body.getString("object"));
        assertEquals(2, body.getJsonArray("choices").size());
        JsonObject message = body.getJsonArray("choices").getJsonObject(1).getJsonObject("message");
        assertEquals("assistant", message.getString("role"));
        assertTrue(message.containsKey("content"));
    }

    @Test
    void aStreamIsServerSentEventsEndingWithDone(TestClient client) {
        TestClient.Reply reply = client.post("/v1/chat/completions", """
                {"messages": [{"role": "user", "content": "Hello!"}], "stream": true, "max_tokens": 5, "temperature": 0}""");
        assertEquals(200, reply.status());
        assertTrue(reply.contentType().startsWith("text/event-stream"), reply.contentType());
        assertTrue(reply.body().endsWith("data: [DONE]\n\n"));
        for (String block : reply.body().split("\n\n")) {
            assertTrue(block.startsWith("data: "), "every event is one data line: " + block);
        }
        List<JsonObject> events = reply.events();
        JsonObject first = events.get(0).getJsonArray("choices").getJsonObject(0);
        assertEquals("assistant", first.getJsonObject("delta").getString("role"));
        JsonObject last = events.get(events.size() - 1).getJsonArray("choices").getJsonObject(0);
        assertEquals("length", last.getString("finish_reason"));
        assertFalse(events.get(1).containsKey("usage"), "no usage key unless asked for");
    }

    @Test
    void streamOptionsIncludeUsageAddsAFinalUsageChunk(TestClient client) {
        TestClient.Reply reply = client.post("/v1/completions", """
                {"prompt": "Hello", "stream": true, "max_tokens": 4, "stream_options": {"include_usage": true}}""");
        List<JsonObject> events = reply.events();
        JsonObject last = events.get(events.size() - 1);
        assertEquals(0, last.getJsonArray("choices").size());
        assertEquals(4, last.getJsonObject("usage").getInt("completion_tokens"));
    }

    @Test
    void anOmittedOrEmptyModelMeansTheServedModel(TestClient client) {
        assertEquals(200, client.post("/v1/completions", "{\"prompt\": \"Hi\", \"max_tokens\": 2}").status());
        assertEquals(200, client.post("/v1/completions", "{\"model\": \"\", \"prompt\": \"Hi\", \"max_tokens\": 2}").status());
    }

    @Test
    void unknownFieldsAreAccepted(TestClient client) {
        TestClient.Reply reply = client.post("/v1/completions", """
                {"prompt": "Hi", "max_tokens": 2, "some_future_field": {"x": 1}}""");
        assertEquals(200, reply.status(), reply.body());
    }

    @Test
    void anUnknownModelIs404InTheOpenAiErrorShape(TestClient client) {
        TestClient.Reply reply = client.post("/v1/completions", "{\"model\": \"gpt-4\", \"prompt\": \"Hi\"}");
        assertEquals(404, reply.status());
        JsonObject error = reply.json().getJsonObject("error");
        assertEquals("The model `gpt-4` does not exist.", error.getString("message"));
        assertEquals("NotFoundError", error.getString("type"));
        assertEquals("model", error.getString("param"));
        assertEquals(404, error.getInt("code"));
    }

    @Test
    void malformedJsonIs400AndTheServerKeepsServing(TestClient client) {
        TestClient.Reply reply = client.post("/v1/chat/completions", "{\"messages\": [");
        assertEquals(400, reply.status());
        assertEquals("BadRequestError", reply.json().getJsonObject("error").getString("type"));
        assertEquals(200, client.get("/v1/models").status());
    }

    @Test
    void aNonJsonContentTypeIs415(TestClient client) {
        TestClient.Reply reply = client.post("/v1/completions", "prompt=Hi", "application/x-www-form-urlencoded");
        assertEquals(415, reply.status());
        assertEquals("Unsupported Media Type: Only 'application/json' is allowed",
                reply.json().getJsonObject("error").getString("message"));
    }

    @Test
    void anInvalidParameterIs400NamingIt(TestClient client) {
        TestClient.Reply reply = client.post("/v1/completions", "{\"prompt\": \"Hi\", \"temperature\": 5}");
        assertEquals(400, reply.status());
        JsonObject error = reply.json().getJsonObject("error");
        assertEquals("temperature must be in [0, 2], got 5.0.", error.getString("message"));
        assertEquals("temperature", error.getString("param"));
        assertEquals(400, error.getInt("code"));
    }

    @Test
    void aFieldOfTheWrongTypeIs400NamingIt(TestClient client) {
        TestClient.Reply reply = client.post("/v1/chat/completions",
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": \"many\"}");
        assertEquals(400, reply.status());
        assertEquals("max_tokens", reply.json().getJsonObject("error").getString("param"));
    }

    @Test
    void promptPlusMaxTokensOverTheContextIs400NamingMaxTokens(TestClient client) {
        TestClient.Reply reply = client.post("/v1/completions", "{\"prompt\": \"Hi\", \"max_tokens\": 5000}");
        assertEquals(400, reply.status());
        JsonObject error = reply.json().getJsonObject("error");
        assertEquals("max_tokens", error.getString("param"));
        assertTrue(error.getString("message").contains("maximum context length is 1024 tokens"), error.getString("message"));
    }
}
