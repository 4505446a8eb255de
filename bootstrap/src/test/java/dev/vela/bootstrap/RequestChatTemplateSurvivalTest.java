package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Chat templates sent with a request (allowed by this server) that render nothing, or fail, end
 * their own request with a 400 and leave the engine serving the next one.
 */
@WithVelaServer(settings = {"vela.served-model-name=DeepSeek-R1-Distill-Qwen-32B", "vela.max-model-len=1024",
        "vela.trust-request-chat-template=true"})
class RequestChatTemplateSurvivalTest {

    private static final String CHAT = "/v1/chat/completions";

    private static String chat(String template) {
        return Json.createObjectBuilder()
                .add("messages", Json.createArrayBuilder().add(Json.createObjectBuilder().add("role", "user").add("content", "Hi")))
                .add("chat_template", template)
                .add("max_tokens", 3)
                .build().toString();
    }

    @ParameterizedTest(name = "template [{0}]")
    @ValueSource(strings = {"", "{% if false %}x{% endif %}"})
    void aRequestTemplateThatRendersNothingIsRefusedAndTheEngineServesTheNextRequest(String template, TestClient client) {
        UnrunnableRequestTest.assertBadRequest(client.post(CHAT, chat(template)), "The decoder prompt cannot be empty", "messages");
        UnrunnableRequestTest.assertServes(client);
    }

    @ParameterizedTest(name = "template [{0}]")
    @ValueSource(strings = {"{{ nope.nope }}", "{{ messages[99]['x'] }}", "{{ messages | no_such_filter }}"})
    void aRequestTemplateThatRendersNothingOrFailsIsA400AndTheEngineServesTheNextRequest(String template,
                                                                                      TestClient client) {
        TestClient.Reply reply = client.post(CHAT, chat(template));
        assertEquals(400, reply.status(), reply.body());
        JsonObject error = reply.json().getJsonObject("error");
        assertEquals("BadRequestError", error.getString("type"));
        assertTrue(error.containsKey("param"));
        UnrunnableRequestTest.assertServes(client);
    }
}
