package dev.vela.adapters.rest.wire;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.application.port.in.ChatCommand;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.tools.ToolChoice;
import jakarta.json.Json;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

class ChatCompletionRequestTest {

    private static final String MESSAGES = "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]";

    private static ChatCompletionRequest read(String fields) {
        return ChatCompletionRequest.read(new RequestJson(
                Json.createReader(new StringReader("{" + fields + "}")).readObject(), "ChatCompletionRequest"));
    }

    private static InvalidRequestException refused(String fields) {
        return assertThrows(InvalidRequestException.class, () -> read(fields));
    }

    @Test
    void everyFieldOfTheWrongTypeIsRefusedNamingIt() {
        Map<String, String> wrong = new LinkedHashMap<>();
        wrong.put("model", "5");
        wrong.put("frequency_penalty", "\"high\"");
        wrong.put("logit_bias", "[1]");
        wrong.put("logit_bias.5", "{\"5\": \"up\"}");
        wrong.put("logprobs", "\"yes\"");
        wrong.put("top_logprobs", "\"2\"");
        wrong.put("max_tokens", "\"10\"");
        wrong.put("max_completion_tokens", "true");
        wrong.put("n", "1.5");
        wrong.put("presence_penalty", "{}");
        wrong.put("seed", "\"1\"");
        wrong.put("stop", "5");
        wrong.put("stop.1", "[\"a\", null]");
        wrong.put("stream", "\"true\"");
        wrong.put("temperature", "[]");
        wrong.put("top_p", "\"x\"");
        wrong.put("tools", "\"get_weather\"");
        wrong.put("tool_choice", "5");
        wrong.put("user", "5");
        wrong.put("best_of", "\"2\"");
        wrong.put("top_k", "2.5");
        wrong.put("min_p", "false");
        wrong.put("repetition_penalty", "\"1\"");
        wrong.put("stop_token_ids", "7");
        wrong.put("stop_token_ids.0", "[\"7\"]");
        wrong.put("include_stop_str_in_output", "1");
        wrong.put("ignore_eos", "\"no\"");
        wrong.put("min_tokens", "[1]");
        wrong.put("skip_special_tokens", "0");
        wrong.put("spaces_between_special_tokens", "\"x\"");
        wrong.put("allowed_token_ids", "{}");
        wrong.put("add_generation_prompt", "\"yes\"");
        wrong.put("continue_final_message", "1");
        wrong.put("include_reasoning", "\"x\"");
        wrong.put("prompt_logprobs", "true");
        wrong.put("echo", "\"yes\"");
        wrong.put("response_format", "\"json\"");
        Executable[] checks = wrong.entrySet().stream().map(field -> (Executable) () -> {
            String name = field.getKey().replaceAll("\\.\\d+$", "");
            InvalidRequestException e = refused(MESSAGES + ", \"" + name + "\": " + field.getValue());
            assertEquals(field.getKey(), e.param(), e.getMessage());
        }).toArray(Executable[]::new);
        assertAll(checks);
    }

    @Test
    void everyMessageFieldOfTheWrongTypeIsRefusedNamingIt() {
        Map<String, String> wrong = new LinkedHashMap<>();
        wrong.put("messages", "\"Hi\"");
        wrong.put("messages.0", "[[\"user\", \"Hi\"]]");
        wrong.put("messages.0.role", "[{\"role\": 5, \"content\": \"Hi\"}]");
        wrong.put("messages.0.content", "[{\"role\": \"user\", \"content\": 5}]");
        wrong.put("messages.0.content.0", "[{\"role\": \"user\", \"content\": [[\"Hi\"]]}]");
        wrong.put("messages.0.content.0.type", "[{\"role\": \"user\", \"content\": [{\"type\": 5, \"text\": \"Hi\"}]}]");
        wrong.put("messages.0.content.0.text", "[{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": [\"Hi\"]}]}]");
        wrong.put("messages.0.name", "[{\"role\": \"user\", \"content\": \"Hi\", \"name\": 5}]");
        wrong.put("messages.0.tool_calls", "[{\"role\": \"assistant\", \"tool_calls\": {}}]");
        wrong.put("messages.0.tool_calls.0.function", "[{\"role\": \"assistant\", \"tool_calls\": [{\"id\": \"1\"}]}]");
        wrong.put("messages.0.tool_call_id", "[{\"role\": \"tool\", \"content\": \"1\", \"tool_call_id\": 1}]");
        Executable[] checks = wrong.entrySet().stream().map(field -> (Executable) () -> {
            InvalidRequestException e = refused("\"messages\": " + field.getValue());
            assertEquals(field.getKey(), e.param(), e.getMessage());
        }).toArray(Executable[]::new);
        assertAll(checks);
    }

    @Test
    void toolsThatAreNotAListAreRefusedBeforeToolChoiceReadsThem() {
        InvalidRequestException e = refused(MESSAGES + ", \"tools\": {\"type\": \"function\"}, \"tool_choice\": \"none\"");
        assertEquals("tools", e.param());
        assertTrue(e.getMessage().contains("Input should be a valid list [type=list_type"), e.getMessage());
    }

    @Test
    void aToolWithoutAFunctionNameIsRefusedNamingIt() {
        InvalidRequestException e = refused(MESSAGES + ", \"tools\": [{\"type\": \"function\", \"function\": {}}]");
        assertEquals("tools.0.function.name", e.param());
        assertTrue(e.getMessage().contains("Field required"), e.getMessage());
    }

    @Test
    void aToolOfAnotherTypeThanFunctionIsRefused() {
        InvalidRequestException e = refused(MESSAGES
                + ", \"tools\": [{\"type\": \"retrieval\", \"function\": {\"name\": \"f\"}}]");
        assertEquals("tools.0.type", e.param());
        assertTrue(e.getMessage().contains("Input should be 'function'"), e.getMessage());
    }

    @Test
    void anEmptyRoleIsRefusedNamingIt() {
        InvalidRequestException e = refused("\"messages\": [{\"role\": \"\", \"content\": \"Hi\"}]");
        assertEquals("messages.0.role", e.param());
        assertTrue(e.getMessage().contains("String should have at least 1 character [type=string_too_short"), e.getMessage());
    }

    @Test
    void aCustomRoleIsPassedOnAsItIs() {
        ChatCommand command = read("\"messages\": [{\"role\": \"narrator\", \"content\": \"Once\"}]").toCommand();
        assertEquals("narrator", command.messages().getFirst().role().name());
    }

    @Test
    void aNullExtraFieldOfAMessageReachesTheTemplateAsNull() {
        ChatCommand command = read("\"messages\": [{\"role\": \"user\", \"content\": \"Hi\", \"reasoning\": null}]").toCommand();
        Map<String, Object> extra = command.messages().getFirst().extra();
        assertTrue(extra.containsKey("reasoning"));
        assertNull(extra.get("reasoning"));
    }

    @Test
    void aResponseFormatOfAnUnknownTypeIsRefusedWithTheTypesVllmKnows() {
        InvalidRequestException e = refused(MESSAGES + ", \"response_format\": {\"type\": \"xml\"}");
        assertEquals("response_format.type", e.param());
        assertTrue(e.getMessage().contains(
                "Input should be 'text', 'json_object', 'json_schema' or 'structural_tag' [type=literal_error"), e.getMessage());
    }

    @Test
    void aResponseFormatWithoutATypeIsRefused() {
        assertEquals("response_format.type", refused(MESSAGES + ", \"response_format\": {}").param());
    }

    @Test
    void aJsonSchemaResponseFormatNeedsANamedSchema() {
        assertEquals("response_format.json_schema",
                refused(MESSAGES + ", \"response_format\": {\"type\": \"json_schema\"}").param());
        assertEquals("response_format.json_schema.name",
                refused(MESSAGES + ", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"schema\": {}}}").param());
        assertEquals("response_format.json_schema.schema", refused(MESSAGES
                + ", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"n\", \"schema\": 5}}").param());
    }

    @Test
    void wellShapedResponseFormatsAreAccepted() {
        assertEquals("text", read(MESSAGES + ", \"response_format\": {\"type\": \"text\"}").responseFormat().type());
        assertEquals("json_object", read(MESSAGES + ", \"response_format\": {\"type\": \"json_object\"}").responseFormat().type());
        ResponseFormat schema = read(MESSAGES + ", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": "
                + "{\"name\": \"answer\", \"schema\": {\"type\": \"object\"}, \"strict\": true}}").responseFormat();
        assertEquals("answer", schema.jsonSchema().get("name"));
    }

    @Test
    void aBooleanEchoIsAccepted() {
        assertEquals(Boolean.TRUE, read(MESSAGES + ", \"echo\": true").echo());
    }

    @Test
    void anIntegerWithAHugeExponentIsRefusedWithoutComputingIt() {
        InvalidRequestException big = refused(MESSAGES + ", \"seed\": 1e99999999");
        assertEquals("seed", big.param());
        assertTrue(big.getMessage().contains("less_than_equal"), big.getMessage());
        InvalidRequestException tiny = refused(MESSAGES + ", \"max_tokens\": 1e-99999999");
        assertEquals("max_tokens", tiny.param());
        assertTrue(tiny.getMessage().contains("int_from_float"), tiny.getMessage());
    }

    @Test
    void aWholeNumberWrittenAsAFloatIsAnInteger() {
        assertEquals(20, read(MESSAGES + ", \"max_tokens\": 2.0e1").maxTokens());
    }

    private static final String TOOLS = "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\"}}]";

    @Test
    void toolChoiceNoneIsServedWithOrWithoutTools() {
        assertEquals(ToolChoice.NONE, read(MESSAGES + ", \"tool_choice\": \"none\"").toolChoice());
        assertEquals(ToolChoice.NONE, read(MESSAGES + ", " + TOOLS + ", \"tool_choice\": \"none\"").toolChoice());
    }

    @Test
    void toolsWithoutToolChoiceMeanAutoAndNoToolsMeanNone() {
        assertEquals(ToolChoice.AUTO, read(MESSAGES + ", " + TOOLS).toolChoice());
        assertEquals(ToolChoice.NONE, read(MESSAGES + ", \"tools\": []").toolChoice());
        assertEquals(ToolChoice.NONE, read(MESSAGES).toolChoice());
        assertEquals(ToolChoice.AUTO, read(MESSAGES + ", " + TOOLS + ", \"tool_choice\": \"auto\"").toolChoice());
    }

    @Test
    void toolChoiceRequiredIsNoneWithAnEmptyToolListAndNeedsTools() {
        assertEquals(ToolChoice.NONE, read(MESSAGES + ", \"tools\": [], \"tool_choice\": \"required\"").toolChoice());
        assertEquals(ToolChoice.REQUIRED, read(MESSAGES + ", " + TOOLS + ", \"tool_choice\": \"required\"").toolChoice());
        assertEquals("When using `tool_choice`, `tools` must be set.", refused(MESSAGES + ", \"tool_choice\": \"required\"").getMessage());
        assertEquals("When using `tool_choice`, `tools` must be set.", refused(MESSAGES + ", \"tool_choice\": \"auto\"").getMessage());
    }

    @Test
    void aNamedToolChoiceNeedsToolsAndAFunctionName() {
        String named = ", \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": \"f\"}}";
        assertEquals("When using `tool_choice`, `tools` must be set.", refused(MESSAGES + named).getMessage());
        assertEquals(new ToolChoice.Named("f"), read(MESSAGES + ", " + TOOLS + named).toolChoice());
        assertEquals("tool_choice.function", refused(MESSAGES + ", " + TOOLS + ", \"tool_choice\": {\"type\": \"function\"}").param());
    }

    @Test
    void anAssistantMessageThatOnlyCallsToolsKeepsANullContentForTheTemplate() {
        String call = "\"tool_calls\": [{\"id\": \"c\", \"type\": \"function\", \"function\": {\"name\": \"f\", \"arguments\": \"{}\"}}]";
        ChatCommand command = read("\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, "
                + "{\"role\": \"assistant\", \"content\": null, " + call + "}, {\"role\": \"assistant\", " + call + "}, "
                + "{\"role\": \"assistant\", \"content\": \"\", " + call + "}, {\"role\": \"assistant\", \"content\": null}]")
                .toCommand();
        assertNull(command.messages().get(1).content());
        assertNull(command.messages().get(2).content());
        assertEquals("", command.messages().get(3).content(), "an empty text is kept");
        assertEquals("", command.messages().get(4).content(), "without calls, vLLM's empty text");
    }

    @Test
    void parallelToolCallsAndTheThinkingBudgetReachTheCommand() {
        ChatCommand command = read(MESSAGES + ", " + TOOLS + ", \"tool_choice\": \"required\", \"parallel_tool_calls\": false, "
                + "\"thinking_token_budget\": 7").toCommand();
        assertEquals(ToolChoice.REQUIRED, command.toolChoice());
        assertFalse(command.parallelToolCalls());
        assertEquals(7, command.sampling().thinkingTokenBudget());
        assertEquals("thinking_token_budget", assertThrows(InvalidRequestException.class,
                () -> read(MESSAGES + ", \"thinking_token_budget\": -1").toCommand()).param());
    }

    @Test
    void anUnknownToolChoiceIsRefusedListingTheKnownOnes() {
        InvalidRequestException e = refused(MESSAGES + ", \"tool_choice\": \"sometimes\"");
        assertEquals("tool_choice", e.param());
        assertEquals("Invalid value for `tool_choice`: sometimes! Only named tools, \"none\", \"auto\" or \"required\" are supported.",
                e.getMessage());
    }

    @Test
    void aFieldOfTheWrongTypeReadsLikePydanticsError() {
        assertEquals("1 validation error for ChatCompletionRequest\nmax_tokens\n  Input should be a valid integer "
                + "[type=int_type, input_value=\"many\"]", refused(MESSAGES + ", \"max_tokens\": \"many\"").getMessage());
    }

    @Test
    void aLongWrongValueIsShownCut() {
        String message = refused(MESSAGES + ", \"user\": [\"" + "x".repeat(500) + "\"]").getMessage();
        assertTrue(message.endsWith("input_value=[\"" + "x".repeat(115) + "...]"), message);
    }

    @Test
    void unknownFieldsAreIgnored() {
        assertEquals(1, read(MESSAGES + ", \"some_future_field\": {\"x\": 1}").messages().size());
    }
}
