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
 * Every check of vLLM's request validators and {@code SamplingParams._verify_args}: status, the
 * OpenAI error shape, vLLM's message and the parameter named. The server keeps serving after each.
 */
@WithVelaServer
class ValidationTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final String COMPLETIONS = "/v1/completions";
    private static final String MESSAGES = "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]";

    static Stream<Arguments> invalidRequests() {
        return Stream.of(
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"n\": 0", "n must be at least 1, got 0.", "n"),
                bad(CHAT, MESSAGES + ", \"presence_penalty\": 2.5", "presence_penalty must be in [-2, 2], got 2.5.", "presence_penalty"),
                bad(CHAT, MESSAGES + ", \"frequency_penalty\": -3", "frequency_penalty must be in [-2, 2], got -3.0.", "frequency_penalty"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"repetition_penalty\": 0", "repetition_penalty must be greater than zero, got 0.0.", "repetition_penalty"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"temperature\": 2.5", "temperature must be in [0, 2], got 2.5.", "temperature"),
                bad(CHAT, MESSAGES + ", \"temperature\": -1", "temperature must be in [0, 2], got -1.0.", "temperature"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"top_p\": 0", "top_p must be in (0, 1], got 0.0.", "top_p"),
                bad(CHAT, MESSAGES + ", \"top_p\": 1.5", "top_p must be in (0, 1], got 1.5.", "top_p"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"top_k\": -2", "top_k must be 0 (disable), or at least 1, got -2.", "top_k"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"min_p\": 1.5", "min_p must be in [0, 1], got 1.5.", "min_p"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"max_tokens\": 0", "max_tokens must be at least 1, got 0.", "max_tokens"),
                bad(CHAT, MESSAGES + ", \"max_completion_tokens\": -5", "max_tokens must be at least 1, got -5.", "max_tokens"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"max_tokens\": 3, \"min_tokens\": 4",
                        "min_tokens must be less than or equal to max_tokens=3, got 4.", "min_tokens"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"min_tokens\": -1", "min_tokens must be greater than or equal to 0, got -1.", "min_tokens"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"logprobs\": 21", "Requested sample logprobs of 21, which is greater than max allowed: 20", "logprobs"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"logprobs\": -1", "`logprobs` must be a positive value.", "logprobs"),
                bad(CHAT, MESSAGES + ", \"logprobs\": true, \"top_logprobs\": 21",
                        "Requested sample logprobs of 21, which is greater than max allowed: 20", "top_logprobs"),
                bad(CHAT, MESSAGES + ", \"top_logprobs\": 2", "when using `top_logprobs`, `logprobs` must be set to true.", "top_logprobs"),
                bad(CHAT, MESSAGES + ", \"logprobs\": true, \"top_logprobs\": -1", "`top_logprobs` must be a positive value.", "top_logprobs"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"stop\": [\"a\", \"\"]", "stop cannot contain an empty string.", "stop"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"logit_bias\": {\"abc\": 1}",
                        "logit_bias contains key(s) that cannot be converted to integer token IDs: ['abc']", "logit_bias"),
                bad(CHAT, MESSAGES + ", \"logit_bias\": {\"99999\": 1, \"5\": 1}",
                        "token_id(s) [99999] in logit_bias contain out-of-vocab token ids. Vocabulary size: 512", "logit_bias"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"stop_token_ids\": [600]",
                        "token_id(s) [600] in stop_token_ids contain out-of-vocab token ids. Vocabulary size: 512", "stop_token_ids"),
                bad(COMPLETIONS, "\"prompt\": [1, 2, 5000]", "Token id 5000 is out of vocabulary", "prompt"),
                bad(COMPLETIONS, "\"prompt\": []", "The decoder prompt cannot be empty", "prompt"),
                bad(COMPLETIONS, "\"prompt\": [[]]", "The decoder prompt cannot be empty", "prompt"),
                bad(COMPLETIONS, "\"max_tokens\": 3", "At least one of `prompt` or `prompt_embeds` must be set.", "prompt"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"seed\": 9223372036854775808", "less_than_equal", "seed"),
                bad(CHAT, MESSAGES + ", \"seed\": -9223372036854775809", "greater_than_equal", "seed"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"max_tokens\": 2000",
                        "'max_tokens' or 'max_completion_tokens' is too large: 2000. This model's maximum context length is 1024 tokens",
                        "max_tokens"),
                bad(COMPLETIONS, "\"prompt\": \"" + "word ".repeat(1100) + "\"",
                        "This model's maximum context length is 1024 tokens. However, your request has", "prompt"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"n\": 3, \"best_of\": 2", "best_of must be greater than or equal to n, got n=3 and best_of=2.", "best_of"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"n\": 2, \"temperature\": 0", "n must be 1 when using greedy sampling, got 2.", "n"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"stream_options\": {\"include_usage\": true}",
                        "Stream options can only be defined when `stream=True`.", "stream_options"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"stream\": true, \"prompt_logprobs\": 1",
                        "`prompt_logprobs` are not available when `stream=True`.", "prompt_logprobs"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"prompt_logprobs\": -3", "`prompt_logprobs` must be a positive value.", "prompt_logprobs"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"suffix\": \"!\"", "suffix is not currently supported", "suffix"),
                bad(CHAT, MESSAGES + ", \"add_generation_prompt\": true, \"continue_final_message\": true",
                        "Cannot set both `continue_final_message` and `add_generation_prompt` to True.", "continue_final_message"),
                bad(CHAT, MESSAGES + ", \"tool_choice\": \"auto\"", "When using `tool_choice`, `tools` must be set.", "tool_choice"),
                bad(CHAT, MESSAGES + ", \"temperature\": \"hot\"", "Input should be a valid number", "temperature"),
                bad(CHAT, "\"model\": \"x\"", "Field required", "messages"),
                bad(CHAT, MESSAGES + ", \"chat_template\": \"{{ raise_exception('no system role') }}\"", "no system role", null),
                bad(CHAT, MESSAGES + ", \"tools\": " + "[".repeat(1000) + "]".repeat(1000),
                        "arrays and objects nest more than 128 levels deep in `tools`", "tools"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"user\": " + "{\"a\": ".repeat(1000) + "1" + "}".repeat(1000),
                        "arrays and objects nest more than 128 levels deep in `user`", "user"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"seed\": 1" + "0".repeat(1200), "more than 1100 characters", "seed"),
                bad(CHAT, MESSAGES + ", \"temperature\": 1e9999999999", "exponent has more than 9 digits", "temperature"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"best_of\": 2000000000", "best_of must be at most 16384, got 2000000000.", "best_of"),
                bad(COMPLETIONS, "\"prompt\": [" + "[1],".repeat(9000) + "[1]], \"n\": 2",
                        "A request may generate at most 16384 sequences, got 9001 prompts of 2 each.", "prompt"),
                bad(CHAT, MESSAGES + ", \"tools\": \"get_weather\"", "Input should be a valid list", "tools"),
                bad(CHAT, MESSAGES + ", \"tools\": {\"type\": \"function\"}, \"tool_choice\": \"none\"",
                        "Input should be a valid list", "tools"),
                bad(CHAT, "\"messages\": [{\"role\": \"\", \"content\": \"Hi\"}]",
                        "String should have at least 1 character", "messages.0.role"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"temperature\": 0, \"top_p\": 5", "top_p must be in (0, 1], got 5.0.", "top_p"),
                bad(CHAT, MESSAGES + ", \"temperature\": 0, \"top_k\": -3", "top_k must be 0 (disable), or at least 1, got -3.", "top_k"),
                bad(CHAT, MESSAGES + ", \"temperature\": 0, \"min_p\": 2", "min_p must be in [0, 1], got 2.0.", "min_p"),
                bad(CHAT, MESSAGES + ", \"echo\": \"yes\"", "Input should be a valid boolean", "echo"),
                bad(CHAT, MESSAGES + ", \"response_format\": \"json\"", "Input should be a valid dictionary", "response_format"),
                bad(CHAT, MESSAGES + ", \"response_format\": {\"type\": \"xml\"}",
                        "Input should be 'text', 'json_object', 'json_schema' or 'structural_tag'", "response_format.type"),
                bad(CHAT, MESSAGES + ", \"max_tokens\": 1e99999999", "less_than_equal", "max_tokens"),
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
