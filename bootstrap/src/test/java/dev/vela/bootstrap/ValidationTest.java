package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * vLLM's request checks through the whole server: those that need the model (its vocabulary, its
 * context length, its chat template) and one of each kind the REST adapter makes before the engine
 * is asked (adapters-rest's {@code RequestValidationTest} holds all of those). Status, the OpenAI
 * error shape, vLLM's message and the parameter named; the server keeps serving after each.
 */
@WithVelaServer
class ValidationTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final String COMPLETIONS = "/v1/completions";
    private static final String MESSAGES = "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]";

    static Stream<Arguments> invalidRequests() {
        return Stream.of(
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"temperature\": 2.5", "temperature must be in [0, 2], got 2.5.", "temperature"),
                bad(CHAT, MESSAGES + ", \"logit_bias\": {\"99999\": 1, \"5\": 1}",
                        "token_id(s) [99999] in logit_bias contain out-of-vocab token ids. Vocabulary size: 512", "logit_bias"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"stop_token_ids\": [600]",
                        "token_id(s) [600] in stop_token_ids contain out-of-vocab token ids. Vocabulary size: 512", "stop_token_ids"),
                bad(COMPLETIONS, "\"prompt\": [1, 2, 5000]", "Token id 5000 is out of vocabulary", "prompt"),
                bad(COMPLETIONS, "\"prompt\": [[]]", "The decoder prompt cannot be empty", "prompt"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"max_tokens\": 2000",
                        "'max_tokens' or 'max_completion_tokens' is too large: 2000. This model's maximum context length is 1024 tokens",
                        "max_tokens"),
                bad(COMPLETIONS, "\"prompt\": \"" + "word ".repeat(1100) + "\"",
                        "This model's maximum context length is 1024 tokens. However, your request has", "prompt"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"stream_options\": {\"include_usage\": true}",
                        "Stream options can only be defined when `stream=True`.", "stream_options"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"stream\": true, \"prompt_logprobs\": 1",
                        "`prompt_logprobs` are not available when `stream=True`.", "prompt_logprobs"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"suffix\": \"!\"", "suffix is not currently supported", "suffix"),
                bad(CHAT, MESSAGES + ", \"add_generation_prompt\": true, \"continue_final_message\": true",
                        "Cannot set both `continue_final_message` and `add_generation_prompt` to True.", "continue_final_message"),
                bad(CHAT, MESSAGES + ", \"temperature\": \"hot\"", "Input should be a valid number", "temperature"),
                bad(CHAT, "\"model\": \"x\"", "Field required", "messages"),
                bad(CHAT, MESSAGES + ", \"chat_template\": \"{{ raise_exception('no system role') }}\"", "no system role", null),
                bad(CHAT, MESSAGES + ", \"tools\": " + "[".repeat(1000) + "]".repeat(1000),
                        "arrays and objects nest more than 128 levels deep in `tools`", "tools"),
                bad(COMPLETIONS, "\"prompt\": [" + "[1],".repeat(9000) + "[1]], \"n\": 2",
                        "A request may generate at most 16384 sequences, got 9001 prompts of 2 each.", "prompt"),
                bad(COMPLETIONS, "\"prompt\": \"" + "word ".repeat(20_000) + "\"",
                        "This model's maximum context length is 1024 tokens. However, your request has at least", "prompt"),
                bad(CHAT, "\"messages\": [{\"role\": \"user\", \"content\": \"" + "word ".repeat(20_000) + "\"}]",
                        "This model's maximum context length is 1024 tokens. However, your request has at least", "messages"));
    }

    private static Arguments bad(String path, String fields, String message, String param) {
        return Arguments.of(path, "{" + fields + "}", message, param);
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("invalidRequests")
    void anInvalidRequestIs400InTheOpenAiShapeNamingTheParameter(String path, String body, String message, String param,
                                                                TestClient client) {
        TestClient.Reply reply = client.post(path, body);
        assertEquals(400, reply.status(), reply.body());
        JsonObject error = reply.json().getJsonObject("error");
        assertTrue(error.getString("message").contains(message), error.getString("message"));
        assertEquals("BadRequestError", error.getString("type"));
        assertEquals(400, error.getInt("code"));
        if (param != null) {
            assertEquals(param, error.getString("param"));
        } else {
            assertTrue(error.containsKey("param"));
        }
        assertEquals(200, client.post(COMPLETIONS, "{\"prompt\": \"Hi\", \"max_tokens\": 1}").status(), "the server keeps serving");
    }

    @Test
    void wellShapedResponseFormatsAreAcceptedAndAnswered(TestClient client) {
        for (String format : new String[] {"{\"type\": \"text\"}", "{\"type\": \"json_object\"}",
                "{\"type\": \"json_schema\", \"json_schema\": {\"name\": \"a\", \"schema\": {\"type\": \"object\"}}}"}) {
            TestClient.Reply reply = client.post(CHAT, "{" + MESSAGES + ", \"max_tokens\": 1, \"response_format\": " + format + "}");
            assertEquals(200, reply.status(), format + ": " + reply.body());
        }
    }

    @Test
    void aMessageFieldSentAsNullIsAcceptedAndAnswered(TestClient client) {
        TestClient.Reply reply = client.post(CHAT,
                "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\", \"name\": null, \"weight\": null}], \"max_tokens\": 1}");
        assertEquals(200, reply.status(), reply.body());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void theSameRequestStreamedFailsTheSameWayBeforeTheStreamStarts(String path, String body, String message, String param,
                                                                  TestClient client) {
        if (body.contains("\"stream\"") || body.contains("stream_options")) {
            return;
        }
        String streamed = body.substring(0, body.length() - 1) + ", \"stream\": true}";
        TestClient.Reply reply = client.post(path, streamed);
        if (body.contains("prompt_logprobs")) {
            assertEquals(400, reply.status());
            return;
        }
        assertEquals(400, reply.status(), reply.body());
        assertTrue(reply.json().getJsonObject("error").getString("message").contains(message)
                || reply.json().getJsonObject("error").get("param") != JsonValue.NULL);
    }
}
