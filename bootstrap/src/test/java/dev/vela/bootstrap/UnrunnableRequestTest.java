package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vela.adapters.hf.random.R1DistillTokens;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A request the engine could never run is refused with a 400 before it reaches the engine, and the
 * very next request is answered: one client cannot stop the server for the others.
 */
@WithVelaServer
class UnrunnableRequestTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final String COMPLETIONS = "/v1/completions";

    /** A chat the model's own template renders to nothing: a lone empty system message and no BOS. */
    private static final String RENDERS_NOTHING = "\"messages\": [{\"role\": \"system\", \"content\": \"\"}], "
            + "\"add_generation_prompt\": false, \"chat_template_kwargs\": {\"bos_token\": \"\"}, \"max_tokens\": 3";

    @ParameterizedTest(name = "stream: {0}")
    @ValueSource(booleans = {false, true})
    void aChatThatRendersAnEmptyPromptIsRefusedAndTheEngineServesTheNextRequest(boolean stream, TestClient client) {
        TestClient.Reply refused = client.post(CHAT, "{" + RENDERS_NOTHING + ", \"stream\": " + stream + "}");
        assertBadRequest(refused, "The decoder prompt cannot be empty", "messages");
        assertServes(client);
    }

    @ParameterizedTest(name = "stream: {0}")
    @ValueSource(booleans = {false, true})
    void allowedTokenIdsOfOnlyTheEosWithMinTokensAreRefusedAndTheEngineServesTheNextRequest(boolean stream,
                                                                                          TestClient client) {
        int eos = eosId(client);
        TestClient.Reply refused = client.post(COMPLETIONS, "{\"prompt\": \"Hi\", \"max_tokens\": 10, \"min_tokens\": 5, "
                + "\"allowed_token_ids\": [" + eos + "], \"stream\": " + stream + "}");
        assertBadRequest(refused, "nothing could be sampled", "allowed_token_ids");
        assertServes(client);
    }

    static void assertBadRequest(TestClient.Reply reply, String message, String param) {
        assertEquals(400, reply.status(), reply.body());
        JsonObject error = reply.json().getJsonObject("error");
        assertEquals("BadRequestError", error.getString("type"));
        assertEquals(400, error.getInt("code"));
        assertEquals(param, error.getString("param"));
        String said = error.getString("message");
        assertEquals(true, said.contains(message), said);
    }

    /** A plain chat and a plain completion are both answered. */
    static void assertServes(TestClient client) {
        TestClient.Reply chat = client.post(CHAT,
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 3}");
        assertEquals(200, chat.status(), chat.body());
        assertEquals(1, chat.json().getJsonArray("choices").size());
        TestClient.Reply completion = client.post(COMPLETIONS, "{\"prompt\": \"Hi\", \"max_tokens\": 3}");
        assertEquals(200, completion.status(), completion.body());
        assertEquals(3, completion.json().getJsonObject("usage").getInt("completion_tokens"));
    }

    private static int eosId(TestClient client) {
        String body = Json.createObjectBuilder().add("prompt", R1DistillTokens.EOS).add("add_special_tokens", false)
                .build().toString();
        return TestClient.ids(client.post("/tokenize", body).json().getJsonArray("tokens"))[0];
    }
}
