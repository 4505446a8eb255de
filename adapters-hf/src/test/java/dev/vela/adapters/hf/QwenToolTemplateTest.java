package dev.vela.adapters.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vela.application.port.out.ChatTemplates;
import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.chat.ChatTemplate;
import dev.vela.domain.chat.Role;
import dev.vela.domain.chat.ToolCall;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Qwen2.5-Instruct's chat template with tool histories, byte for byte: each expected prompt is what
 * transformers' {@code apply_chat_template} renders (jinja2 3.1.6, trim_blocks and lstrip_blocks,
 * its {@code tojson}) for the messages vLLM hands it, whose call arguments are parsed into objects
 * from the JSON strings clients send.
 */
class QwenToolTemplateTest {

    private static final Map<String, Object> WEATHER = ordered("type", "function", "function", ordered(
            "name", "get_weather", "description", "Weather of a city", "parameters", ordered("type", "object",
                    "properties", Map.of("city", Map.of("type", "string")), "required", List.of("city"))));

    static ChatTemplates templates;

    @BeforeAll
    static void readTheTemplate() throws IOException {
        try (InputStream in = QwenToolTemplateTest.class.getResourceAsStream("qwen2.5-instruct-chat-template.jinja")) {
            templates = new JinjavaChatTemplates(new ChatTemplate(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    null, "<|im_end|>"));
        }
    }

    @Test
    void aCallWithoutTextAndItsResultRenderAsQwensToolCallAndToolResponse() {
        assertEquals("<|im_start|>system\n"
                + "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.\n"
                + "\n"
                + "# Tools\n"
                + "\n"
                + "You may call one or more functions to assist with the user query.\n"
                + "\n"
                + "You are provided with function signatures within <tools></tools> XML tags:\n"
                + "<tools>\n"
                + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Weather of a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}\n"
                + "</tools>\n"
                + "\n"
                + "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n"
                + "<tool_call>\n"
                + "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n"
                + "</tool_call><|im_end|>\n"
                + "<|im_start|>user\n"
                + "Weather in Paris?<|im_end|>\n"
                + "<|im_start|>assistant\n"
                + "<tool_call>\n"
                + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n"
                + "</tool_call><|im_end|>\n"
                + "<|im_start|>user\n"
                + "<tool_response>\n"
                + "18C\n"
                + "</tool_response><|im_end|>\n"
                + "<|im_start|>assistant\n",
                render(true, List.of(WEATHER), ChatMessage.user("Weather in Paris?"),
                        calls("", weather("call_1", "Paris")), result("18C", "call_1")));
    }

    @Test
    void textBeforeCallsSeveralCallsAndResultsInARowShareOneTurn() {
        assertEquals("<|im_start|>system\n"
                + "Be brief.\n"
                + "\n"
                + "# Tools\n"
                + "\n"
                + "You may call one or more functions to assist with the user query.\n"
                + "\n"
                + "You are provided with function signatures within <tools></tools> XML tags:\n"
                + "<tools>\n"
                + "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": \"Weather of a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}}}\n"
                + "</tools>\n"
                + "\n"
                + "For each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n"
                + "<tool_call>\n"
                + "{\"name\": <function-name>, \"arguments\": <args-json-object>}\n"
                + "</tool_call><|im_end|>\n"
                + "<|im_start|>user\n"
                + "Paris and Rome?<|im_end|>\n"
                + "<|im_start|>assistant\n"
                + "Checking both.\n"
                + "<tool_call>\n"
                + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n"
                + "</tool_call>\n"
                + "<tool_call>\n"
                + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Rome\"}}\n"
                + "</tool_call><|im_end|>\n"
                + "<|im_start|>user\n"
                + "<tool_response>\n"
                + "18C\n"
                + "</tool_response>\n"
                + "<tool_response>\n"
                + "21C\n"
                + "</tool_response><|im_end|>\n"
                + "<|im_start|>assistant\n"
                + "Paris 18C, Rome 21C.<|im_end|>\n"
                + "<|im_start|>user\n"
                + "Thanks<|im_end|>\n"
                + "<|im_start|>assistant\n",
                render(true, List.of(WEATHER), ChatMessage.system("Be brief."), ChatMessage.user("Paris and Rome?"),
                        calls("Checking both.", weather("call_1", "Paris"), weather("call_2", "Rome")),
                        result("18C", "call_1"), result("21C", "call_2"), ChatMessage.assistant("Paris 18C, Rome 21C."),
                        ChatMessage.user("Thanks")));
    }

    @Test
    void argumentsAreWrittenAsObjectsWhateverTheClientsSpacing() {
        assertEquals("<|im_start|>system\n"
                + "You are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\n"
                + "Weather in Oslo?<|im_end|>\n"
                + "<|im_start|>assistant\n"
                + "<tool_call>\n"
                + "{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Oslo\", \"days\": [1, 2]}}\n"
                + "</tool_call><|im_end|>\n"
                + "<|im_start|>user\n"
                + "<tool_response>\n"
                + "-4C\n"
                + "</tool_response><|im_end|>\n",
                render(false, List.of(), ChatMessage.user("Weather in Oslo?"),
                        calls("", new ToolCall("c", "function", "get_weather", "{\"city\":\"Oslo\",\"days\":[1,2]}")),
                        result("-4C", "c")));
    }

    private static String render(boolean addGenerationPrompt, List<Map<String, Object>> tools, ChatMessage... messages) {
        return templates.render(List.of(messages), new ChatRenderOptions(addGenerationPrompt, false, Map.of(), tools, null));
    }

    private static ToolCall weather(String id, String city) {
        return new ToolCall(id, "function", "get_weather", "{\"city\": \"" + city + "\"}");
    }

    private static ChatMessage calls(String content, ToolCall... calls) {
        return new ChatMessage(Role.ASSISTANT, content, List.of(calls), null, null, Map.of());
    }

    private static ChatMessage result(String content, String callId) {
        return new ChatMessage(Role.TOOL, content, List.of(), null, callId, Map.of());
    }

    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
