package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Without {@code --trust-request-chat-template} a request that brings its own chat template, in
 * {@code chat_template} or inside {@code chat_template_kwargs}, is refused with vLLM's message,
 * for chat and for the chat form of tokenize, and the server goes on serving.
 */
@WithVelaServer(settings = {"vela.served-model-name=DeepSeek-R1-Distill-Qwen-32B", "vela.max-model-len=1024",
        "vela.trust-request-chat-template=false"})
class UntrustedChatTemplateTest {

    private static final String MESSAGES = "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]";

    @ParameterizedTest
    @ValueSource(strings = {
            "/v1/chat/completions|\"chat_template\": \"{{ messages[0].content }}\"",
            "/v1/chat/completions|\"chat_template\": \"\"",
            "/v1/chat/completions|\"chat_template_kwargs\": {\"chat_template\": \"{{ messages[0].content }}\"}",
            "/tokenize|\"chat_template\": \"{{ messages[0].content }}\""})
    void aRequestTemplateIsRefusedWithVllmsMessageAndTheServerGoesOnServing(String pathAndField, TestClient client) {
        String path = pathAndField.substring(0, pathAndField.indexOf('|'));
        String field = pathAndField.substring(pathAndField.indexOf('|') + 1);

        TestClient.Reply reply = client.post(path, "{" + MESSAGES + ", \"max_tokens\": 1, " + field + "}");

        assertEquals(400, reply.status(), reply.body());
        JsonObject error = reply.json().getJsonObject("error");
        assertEquals("Chat template is passed with request, but --trust-request-chat-template is not set. "
                + "Refused request with untrusted chat template.", error.getString("message"));
        assertEquals("BadRequestError", error.getString("type"));
        assertEquals("chat_template", error.getString("param"));
        assertEquals(200, client.post("/v1/chat/completions", "{" + MESSAGES + ", \"max_tokens\": 1}").status(),
                "the server keeps serving");
    }
}
