package dev.vela.adapters.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.rest.http.ClientDeparture;
import dev.vela.application.port.in.ChatUseCase;
import dev.vela.application.port.in.CompletionUseCase;
import dev.vela.domain.error.InvalidRequestException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every check of vLLM's request validators and {@code SamplingParams._verify_args} that a request
 * fails before the engine is asked: the 400 in the OpenAI shape with vLLM's message and the
 * parameter named, whole and streamed. Checks that need the model (its vocabulary, its context
 * length, its chat template) are proved end to end in bootstrap's {@code ValidationTest}.
 */
class RequestValidationTest {

    private static final String CHAT = "/v1/chat/completions";
    private static final String COMPLETIONS = "/v1/completions";
    private static final String MESSAGES = "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]";

    private static final ChatUseCase NO_CHAT = command -> {
        throw new AssertionError("an invalid request reached the engine");
    };
    private static final CompletionUseCase NO_COMPLETION = command -> {
        throw new AssertionError("an invalid request reached the engine");
    };

    /** A request body and what its refusal says: part of the message, and the parameter it names. */
    private record Case(String path, String body, String message, String param) {
    }

    private static List<Case> invalidRequests() {
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
                bad(COMPLETIONS, "\"prompt\": []", "The decoder prompt cannot be empty", "prompt"),
                bad(COMPLETIONS, "\"max_tokens\": 3", "At least one of `prompt` or `prompt_embeds` must be set.", "prompt"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"seed\": 9223372036854775808", "less_than_equal", "seed"),
                bad(CHAT, MESSAGES + ", \"seed\": -9223372036854775809", "greater_than_equal", "seed"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"n\": 3, \"best_of\": 2", "best_of must be greater than or equal to n, got n=3 and best_of=2.", "best_of"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"n\": 2, \"temperature\": 0", "n must be 1 when using greedy sampling, got 2.", "n"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"stream_options\": {\"include_usage\": true}",
                        "Stream options can only be defined when `stream=True`.", "stream_options"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"stream\": true, \"prompt_logprobs\": 1",
                        "`prompt_logprobs` are not available when `stream=True`.", "prompt_logprobs"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"prompt_logprobs\": -3", "`prompt_logprobs` must be a positive value.", "prompt_logprobs"),
                bad(CHAT, MESSAGES + ", \"add_generation_prompt\": true, \"continue_final_message\": true",
                        "Cannot set both `continue_final_message` and `add_generation_prompt` to True.", "continue_final_message"),
                bad(CHAT, MESSAGES + ", \"tool_choice\": \"auto\"", "When using `tool_choice`, `tools` must be set.", "tool_choice"),
                bad(CHAT, MESSAGES + ", \"temperature\": \"hot\"", "Input should be a valid number", "temperature"),
                bad(CHAT, "\"model\": \"x\"", "Field required", "messages"),
                bad(CHAT, MESSAGES + ", \"tools\": " + "[".repeat(1000) + "]".repeat(1000),
                        "arrays and objects nest more than 128 levels deep in `tools`", "tools"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"user\": " + "{\"a\": ".repeat(1000) + "1" + "}".repeat(1000),
                        "arrays and objects nest more than 128 levels deep in `user`", "user"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"seed\": 1" + "0".repeat(1200), "more than 1100 characters", "seed"),
                bad(CHAT, MESSAGES + ", \"temperature\": 1e9999999999", "exponent has more than 9 digits", "temperature"),
                bad(COMPLETIONS, "\"prompt\": \"Hi\", \"best_of\": 2000000000", "best_of must be at most 16384, got 2000000000.", "best_of"),
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
                bad(CHAT, MESSAGES + ", \"max_tokens\": 1e99999999", "less_than_equal", "max_tokens")).toList();
    }

    private static Case bad(String path, String fields, String message, String param) {
        return new Case(path, "{" + fields + "}", message, param);
    }

    private static WireReply refused(String path, String body) {
        InvalidRequestException error = assertThrows(InvalidRequestException.class, () -> {
            if (path.equals(CHAT)) {
                new ChatCompletionsResource(NO_CHAT, ServedModel.LIST, new StreamWriteTimeout(30), ClientDeparture.UNWATCHED).create(body);
            } else {
                new CompletionsResource(NO_COMPLETION, ServedModel.LIST, new StreamWriteTimeout(30), ClientDeparture.UNWATCHED).create(body);
            }
        });
        return WireReply.ofError(error);
    }

    private static JsonObject error(WireReply reply) {
        try (JsonReader reader = Json.createReader(new StringReader(reply.body()))) {
            return reader.readObject().getJsonObject("error");
        }
    }

    @TestFactory
    Stream<DynamicTest> anInvalidRequestIs400InTheOpenAiShapeNamingTheParameter() {
        return invalidRequests().stream().map(bad -> DynamicTest.dynamicTest(bad.path() + " " + bad.message(), () -> {
            WireReply reply = refused(bad.path(), bad.body());
            assertEquals(400, reply.status(), reply.body());
            String expected = "\"type\":\"BadRequestError\",\"param\":"
                    + (bad.param() == null ? "null" : "\"" + bad.param() + "\"") + ",\"code\":400}}";
            assertTrue(reply.body().startsWith("{\"error\":{\"message\":\""), reply.body());
            assertTrue(reply.body().endsWith(expected), reply.body());
            assertTrue(error(reply).getString("message").contains(bad.message()), reply.body());
        }));
    }

    @TestFactory
    Stream<DynamicTest> theSameRequestStreamedFailsTheSameWayBeforeTheStreamStarts() {
        return invalidRequests().stream()
                .filter(bad -> !bad.body().contains("\"stream\"") && !bad.body().contains("stream_options"))
                .map(bad -> DynamicTest.dynamicTest(bad.path() + " " + bad.message(), () -> {
                    String streamed = bad.body().substring(0, bad.body().length() - 1) + ", \"stream\": true}";
                    WireReply reply = refused(bad.path(), streamed);
                    assertEquals(400, reply.status(), reply.body());
                    if (!bad.body().contains("prompt_logprobs")) {
                        assertTrue(error(reply).getString("message").contains(bad.message())
                                || error(reply).get("param") != JsonValue.NULL, reply.body());
                    }
                }));
    }
}
