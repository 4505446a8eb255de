package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.chat.completions.ChatCompletionNamedToolChoice;
import com.openai.models.chat.completions.ChatCompletionToolChoiceOption;
import dev.vela.adapters.hf.random.ModelPreset;
import jakarta.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Tool calling through the OpenAI Java SDK against a running Vela on a random-weight model:
 * {@code tool_choice} required and named answer with calls whose arguments are valid against the
 * tool's schema for every seed at temperature 1.0 (the structured-output engine constrains them),
 * a stream's {@code delta.tool_calls} add up to the whole answer's calls, and with
 * {@code --tool-call-parser hermes} a call the model writes is read out of its answer.
 */
@WithVelaServer(model = ModelPreset.R1_DISTILL_VOCAB_TINY,
        settings = {"vela.served-model-name=DeepSeek-R1-Distill-Qwen-32B", "vela.max-model-len=1024",
                "vela.trust-request-chat-template=true", "vela.enable-auto-tool-choice=true", "vela.tool-call-parser=hermes"})
class ToolCallingEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String WEATHER_SCHEMA = "{\"type\": \"object\", \"properties\": {"
            + "\"city\": {\"type\": \"string\", \"maxLength\": 6}, "
            + "\"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"]}, "
            + "\"days\": {\"type\": \"integer\", \"minimum\": 1, \"maximum\": 7}}, "
            + "\"required\": [\"city\", \"unit\"], \"additionalProperties\": false}";
    private static final String TIME_SCHEMA = "{\"type\": \"object\", \"properties\": {"
            + "\"zone\": {\"type\": \"string\", \"maxLength\": 5}}, \"required\": [\"zone\"], \"additionalProperties\": false}";
    private static final int SEEDS = 12;

    @Test
    void requiredAnswersAreCallsOfTheToolsValidAgainstTheirSchemasForEverySeed(TestClient client) throws Exception {
        for (long seed = 0; seed < SEEDS; seed++) {
            ChatCompletion answer = client.openai().chat().completions().create(request(seed)
                    .toolChoice(ChatCompletionToolChoiceOption.ofAuto(ChatCompletionToolChoiceOption.Auto.REQUIRED))
                    .parallelToolCalls(false).build());
            ChatCompletion.Choice choice = answer.choices().getFirst();
            assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason(), "seed " + seed);
            assertTrue(choice.message().content().isEmpty(), "content is null when the answer only calls");
            List<ChatCompletionMessageFunctionToolCall> calls = calls(choice);
            assertEquals(1, calls.size(), "parallel_tool_calls false allows one call");
            assertValid(calls.getFirst(), seed);
            assertTrue(calls.getFirst().id().matches("chatcmpl-tool-[0-9a-f]{32}"), calls.getFirst().id());
        }
    }

    @Test
    void aNamedToolIsCalledWithValidArgumentsForEverySeed(TestClient client) throws Exception {
        for (long seed = 0; seed < SEEDS; seed++) {
            ChatCompletion answer = client.openai().chat().completions().create(request(seed)
                    .toolChoice(ChatCompletionToolChoiceOption.ofNamedToolChoice(ChatCompletionNamedToolChoice.builder()
                            .function(ChatCompletionNamedToolChoice.Function.builder().name("get_time").build()).build()))
                    .build());
            ChatCompletion.Choice choice = answer.choices().getFirst();
            List<ChatCompletionMessageFunctionToolCall> calls = calls(choice);
            assertEquals(1, calls.size());
            assertEquals("get_time", calls.getFirst().function().name());
            assertValid(calls.getFirst(), seed);
            assertEquals(ChatCompletion.Choice.FinishReason.STOP, choice.finishReason(), "a named call ends with stop");
        }
    }

    @Test
    void aStreamedRequiredAnswerArrivesPieceByPieceAndAccumulatesToTheWholeAnswersCalls(TestClient client) {
        for (long seed = 0; seed < 4; seed++) {
            ChatCompletionCreateParams params = request(seed)
                    .toolChoice(ChatCompletionToolChoiceOption.ofAuto(ChatCompletionToolChoiceOption.Auto.REQUIRED)).build();
            List<ChatCompletionMessageFunctionToolCall> whole = calls(client.openai().chat().completions().create(params)
                    .choices().getFirst());
            ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
            Map<Long, Integer> argumentDeltas = new LinkedHashMap<>();
            Map<Long, Integer> firstDeltas = new LinkedHashMap<>();
            try (StreamResponse<ChatCompletionChunk> stream = client.openai().chat().completions().createStreaming(params)) {
                stream.stream().forEach(chunk -> {
                    accumulator.accumulate(chunk);
                    chunk.choices().forEach(c -> c.delta().toolCalls().orElse(List.of()).forEach(delta -> {
                        if (delta.id().isPresent()) {
                            firstDeltas.merge(delta.index(), 1, Integer::sum);
                            assertTrue(delta.function().orElseThrow().name().isPresent(), "a call's first delta names it");
                        }
                        if (delta.function().flatMap(f -> f.arguments()).filter(a -> !a.isEmpty()).isPresent()) {
                            argumentDeltas.merge(delta.index(), 1, Integer::sum);
                        }
                    }));
                });
            }
            List<ChatCompletionMessageFunctionToolCall> accumulated = calls(accumulator.chatCompletion().choices().getFirst());
            assertEquals(whole.stream().map(c -> c.function().name()).toList(),
                    accumulated.stream().map(c -> c.function().name()).toList(), "seed " + seed);
            assertEquals(whole.stream().map(c -> c.function().arguments()).toList(),
                    accumulated.stream().map(c -> c.function().arguments()).toList(), "seed " + seed);
            assertTrue(firstDeltas.values().stream().allMatch(n -> n == 1), "only a call's first delta carries its id");
            assertEquals(whole.size(), firstDeltas.size(), "seed " + seed);
            for (long index = 0; index < whole.size(); index++) {
                assertTrue(argumentDeltas.getOrDefault(index, 0) > 1,
                        "seed " + seed + ": call " + index + " came in " + argumentDeltas.get(index) + " argument deltas");
            }
        }
    }

    @Test
    void toolChoiceNoneAnswersWithTextEvenWithTools(TestClient client) {
        ChatCompletion answer = client.openai().chat().completions().create(request(1)
                .toolChoice(ChatCompletionToolChoiceOption.ofAuto(ChatCompletionToolChoiceOption.Auto.NONE))
                .maxCompletionTokens(5).build());
        assertTrue(answer.choices().getFirst().message().toolCalls().orElse(List.of()).isEmpty());
        assertTrue(answer.choices().getFirst().message().content().isPresent());
    }

    /** The wire shapes OpenAI's clients parse: a JSON null content, the call's fields, the first delta's fields. */
    @Test
    void theWireCarriesOpenAisShapes(TestClient client) {
        String body = "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"seed\": 3, \"max_tokens\": 300, "
                + "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"get_time\", \"parameters\": " + TIME_SCHEMA
                + "}}], \"tool_choice\": \"required\"";
        TestClient.Reply reply = client.post("/v1/chat/completions", body + "}");
        assertEquals(200, reply.status(), reply.body());
        JsonObject choice = reply.json().getJsonArray("choices").getJsonObject(0);
        assertEquals("tool_calls", choice.getString("finish_reason"));
        JsonObject message = choice.getJsonObject("message");
        assertTrue(message.isNull("content"));
        JsonObject call = message.getJsonArray("tool_calls").getJsonObject(0);
        assertEquals("function", call.getString("type"));
        assertEquals("get_time", call.getJsonObject("function").getString("name"));
        assertTrue(call.getJsonObject("function").getString("arguments").startsWith("{"));

        List<JsonObject> deltas = client.post("/v1/chat/completions", body + ", \"stream\": true}").events().stream()
                .filter(e -> e.containsKey("choices") && !e.getJsonArray("choices").isEmpty())
                .map(e -> e.getJsonArray("choices").getJsonObject(0).getJsonObject("delta"))
                .filter(d -> d.containsKey("tool_calls")).toList();
        JsonObject first = deltas.getFirst().getJsonArray("tool_calls").getJsonObject(0);
        assertEquals(0, first.getInt("index"));
        assertEquals("function", first.getString("type"));
        assertTrue(first.getString("id").startsWith("chatcmpl-tool-"));
        assertEquals("get_time", first.getJsonObject("function").getString("name"));
    }

    private static ChatCompletionCreateParams.Builder request(long seed) {
        return ChatCompletionCreateParams.builder()
                .model("DeepSeek-R1-Distill-Qwen-32B").addUserMessage("What is the weather in Paris?")
                .temperature(1.0).seed(seed).maxCompletionTokens(300)
                .addTool(tool("get_weather", WEATHER_SCHEMA))
                .addTool(tool("get_time", TIME_SCHEMA));
    }

    static ChatCompletionFunctionTool tool(String name, String schema) {
        Map<String, JsonValue> parameters = new LinkedHashMap<>();
        try {
            JSON.readTree(schema).properties().forEach(e -> parameters.put(e.getKey(),
                    JsonValue.from(JSON.convertValue(e.getValue(), Object.class))));
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
        return ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder().name(name)
                .parameters(FunctionParameters.builder().putAllAdditionalProperties(parameters).build()).build()).build();
    }

    private static List<ChatCompletionMessageFunctionToolCall> calls(ChatCompletion.Choice choice) {
        return choice.message().toolCalls().orElse(List.of()).stream().map(ChatCompletionMessageToolCall::asFunction).toList();
    }

    /** Checks a call's arguments against its tool's schema with an independent validator. */
    static void assertValid(ChatCompletionMessageFunctionToolCall call, long seed) throws Exception {
        String schema = switch (call.function().name()) {
            case "get_weather" -> WEATHER_SCHEMA;
            case "get_time" -> TIME_SCHEMA;
            default -> throw new AssertionError("a call of a tool that was not offered: " + call.function().name());
        };
        JsonSchema validator = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(schema);
        JsonNode arguments = JSON.readTree(call.function().arguments());
        Set<?> errors = validator.validate(arguments);
        assertFalse(arguments.isMissingNode());
        assertTrue(errors.isEmpty(), "seed " + seed + ": " + call.function().arguments() + " " + errors);
    }
}
