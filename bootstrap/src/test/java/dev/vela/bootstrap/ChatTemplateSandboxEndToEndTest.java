package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

/**
 * A request's chat template runs sandboxed on a running server that trusts request templates: a
 * template that tries to read the server's files, or nests past the limit, gets a 400 in the
 * OpenAI shape naming {@code chat_template}, and the next request is answered.
 */
@WithVelaServer
class ChatTemplateSandboxEndToEndTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final String MESSAGES = "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]";

    @Test
    void anIncludeOfTheServersConfigurationIsRefusedAndTheNextRequestIsAnswered(TestClient client) {
        TestClient.Reply reply = client.post(CHAT, "{" + MESSAGES + ", \"max_tokens\": 1, \"chat_template\": "
                + quoted("{% include 'META-INF/microprofile-config.properties' %}{{ messages[0].content }}") + "}");

        JsonObject error = refusal(reply);
        assertTrue(error.getString("message").contains("cannot include, import or extend other templates"),
                error.getString("message"));
        assertFalse(reply.body().contains("server.port"), reply.body());
        assertEquals(200, client.post(CHAT, "{" + MESSAGES + ", \"max_tokens\": 1}").status(), "the server keeps serving");
    }

    @Test
    void fiveThousandNestedIfsAreRefusedAndTheNextRequestIsAnswered(TestClient client) {
        String template = "{% if true %}".repeat(5_000) + "{{ messages[0].content }}" + "{% endif %}".repeat(5_000);

        JsonObject error = refusal(client.post(CHAT, "{" + MESSAGES + ", \"max_tokens\": 1, \"chat_template\": "
                + quoted(template) + "}"));

        assertTrue(error.getString("message").contains("nested too deeply"), error.getString("message"));
        assertEquals(200, client.post(CHAT, "{" + MESSAGES + ", \"max_tokens\": 1}").status(), "the server keeps serving");
    }

    @Test
    void aNullTemplateKwargRendersAsPythonsNone(TestClient client) {
        TestClient.Reply reply = client.post("/tokenize", "{" + MESSAGES + ", \"chat_template_kwargs\": {\"bos_token\": null, "
                + "\"n\": 1, \"x\": 1.5, \"yes\": true, \"list\": [1, null], \"map\": {\"a\": null}, \"s\": \"t\"}, "
                + "\"return_token_strs\": true, \"chat_template\": "
                + quoted("{{ 'none' if bos_token is none }}|{{ n + 1 }}|{{ x * 2 }}|{{ 'y' if yes }}|{{ list | length }}"
                + "|{{ map['a'] is none }}|{{ s }}") + "}");

        assertEquals(200, reply.status(), reply.body());
        String text = String.join("", reply.json().getJsonArray("token_strs").getValuesAs(jakarta.json.JsonString.class)
                .stream().map(jakarta.json.JsonString::getString).toList());
        assertEquals("none|2|3.0|y|2|true|t", text.replace("Ġ", " "));
    }

    private static JsonObject refusal(TestClient.Reply reply) {
        assertEquals(400, reply.status(), reply.body());
        JsonObject error = reply.json().getJsonObject("error");
        assertEquals("BadRequestError", error.getString("type"));
        assertEquals(400, error.getInt("code"));
        assertEquals("chat_template", error.getString("param"));
        return error;
    }

    private static String quoted(String text) {
        return Json.createValue(text).toString();
    }
}
