package dev.vela.adapters.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.chat.ChatTemplate;
import dev.vela.domain.chat.Role;
import dev.vela.domain.chat.ToolCall;
import dev.vela.domain.error.InvalidRequestException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Expected prompts are what transformers' {@code apply_chat_template} (jinja2 3.1.6, trim_blocks,
 * lstrip_blocks) renders for the same conversation with DeepSeek-R1-Distill-Qwen's template.
 */
class JinjavaChatTemplatesTest {

    private static final String BOS = "<｜begin▁of▁sentence｜>";
    private static final String EOS = "<｜end▁of▁sentence｜>";
    private static final ChatTemplate R1 = new ChatTemplate(resource("deepseek-r1-distill-chat-template.jinja"), BOS, EOS);
    private static final JinjavaChatTemplates R1_TEMPLATES = new JinjavaChatTemplates(R1);

    @Test
    void r1RendersASingleUserMessageLikeTransformers() {
        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Hello, world!<｜Assistant｜><think>\n",
                R1_TEMPLATES.render(List.of(ChatMessage.user("Hello, world!")), ChatRenderOptions.defaults()));
    }

    @Test
    void r1RendersAMultiTurnConversationLikeTransformers() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.system("SYS"),
                ChatMessage.user("2+2?"),
                ChatMessage.assistant("<think>\nx\n</think>\n\n4"),
                ChatMessage.user("3+3?"));

        assertEquals("<｜begin▁of▁sentence｜>SYS<｜User｜>2+2?<｜Assistant｜>\n\n4<｜end▁of▁sentence｜>"
                        + "<｜User｜>3+3?<｜Assistant｜><think>\n",
                R1_TEMPLATES.render(conversation, ChatRenderOptions.defaults()));
    }

    @Test
    void onlyTheLastSystemMessageIsUsedAndItGoesRightAfterBos() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.system("Be brief."),
                ChatMessage.user("Hi"),
                ChatMessage.system("Be kind."),
                ChatMessage.user("Bye"));

        assertEquals("<｜begin▁of▁sentence｜>Be kind.<｜User｜>Hi<｜User｜>Bye<｜Assistant｜><think>\n",
                R1_TEMPLATES.render(conversation, ChatRenderOptions.defaults()));
    }

    @Test
    void anAssistantTurnThatIsAllReasoningKeepsNothingAfterThink() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("Q1"),
                ChatMessage.assistant("<think>only reasoning</think>"),
                ChatMessage.user("Q2"));

        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Q1<｜Assistant｜><｜end▁of▁sentence｜>"
                        + "<｜User｜>Q2<｜Assistant｜><think>\n",
                R1_TEMPLATES.render(conversation, ChatRenderOptions.defaults()));
    }

    @Test
    void toolCallsAndToolOutputsRenderLikeTransformers() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("Weather in Paris and Rome?"),
                new ChatMessage(Role.ASSISTANT, null, List.of(
                        new ToolCall("call_1", "function", "get_weather", "{\"city\": \"Paris\"}"),
                        new ToolCall("call_2", "function", "get_weather", "{\"city\": \"Rome\"}")),
                        null, null, Map.of()),
                new ChatMessage(Role.TOOL, "18C", List.of(), null, "call_1", Map.of()),
                new ChatMessage(Role.TOOL, "21C", List.of(), null, "call_2", Map.of()),
                ChatMessage.assistant("Paris 18C, Rome 21C."),
                ChatMessage.user("Thanks!"));

        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Weather in Paris and Rome?"
                        + "<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n"
                        + "```json\n{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜>\n"
                        + "<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n"
                        + "```json\n{\"city\": \"Rome\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜><｜end▁of▁sentence｜>"
                        + "<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>18C<｜tool▁output▁end｜>\n"
                        + "<｜tool▁output▁begin｜>21C<｜tool▁output▁end｜><｜tool▁outputs▁end｜>"
                        + "Paris 18C, Rome 21C.<｜end▁of▁sentence｜><｜User｜>Thanks!<｜Assistant｜><think>\n",
                R1_TEMPLATES.render(conversation, ChatRenderOptions.defaults()));
    }

    @Test
    void withoutAGenerationPromptTheAssistantTurnIsNotOpened() {
        ChatRenderOptions noGenerationPrompt = new ChatRenderOptions(false, false, Map.of(), List.of(), null);

        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Hi",
                R1_TEMPLATES.render(List.of(ChatMessage.user("Hi")), noGenerationPrompt));
    }

    @Test
    void continuingTheFinalMessageEndsThePromptWithItsText() {
        List<ChatMessage> conversation = List.of(ChatMessage.user("Write a haiku"), ChatMessage.assistant("Autumn moonlight"));

        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Write a haiku<｜Assistant｜>Autumn moonlight",
                R1_TEMPLATES.render(conversation, continuing()));
    }

    @Test
    void continuingKeepsTrailingSpaceTheTemplateKept() {
        List<ChatMessage> conversation = List.of(ChatMessage.user("Write a haiku"), ChatMessage.assistant("Autumn moonlight "));

        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Write a haiku<｜Assistant｜>Autumn moonlight ",
                R1_TEMPLATES.render(conversation, continuing()));
    }

    @Test
    void continuingAMessageTheTemplateRewroteIsRefused() {
        List<ChatMessage> conversation = List.of(ChatMessage.user("Q"), ChatMessage.assistant("<think>a</think>b c"));

        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> templates("{{ messages[-1]['content'] | upper }}").render(conversation, continuing()));

        assertTrue(e.getMessage().startsWith("continue_final_message is set but the final message does not appear"),
                e.getMessage());
    }

    @Test
    void chatTemplateKwargsAreTemplateVariables() {
        ChatRenderOptions options = new ChatRenderOptions(true, false,
                Map.of("enable_thinking", false, "greeting", "Hej"), List.of(), null);

        assertEquals("Hej/false", templates("{{ greeting }}/{{ enable_thinking }}").render(List.of(), options));
    }

    @Test
    void aRequestTemplateReplacesTheModelsButKeepsItsSpecialTokens() {
        ChatRenderOptions options = new ChatRenderOptions(true, false, Map.of(), List.of(),
                "{{ bos_token }}{% for m in messages %}[{{ m.role }}:{{ m.content }}]{% endfor %}{{ eos_token }}");

        assertEquals(BOS + "[user:Hi]" + EOS, R1_TEMPLATES.render(List.of(ChatMessage.user("Hi")), options));
    }

    @Test
    void raiseExceptionFailsTheRenderWithTheTemplatesMessage() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> templates("{% if messages[0]['role'] != 'system' %}"
                        + "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
                        + "{% endif %}").render(List.of(ChatMessage.user("Hi")), ChatRenderOptions.defaults()));

        assertEquals("Conversation roles must alternate user/assistant/user/assistant/...", e.getMessage());
    }

    @Test
    void aSyntaxErrorInTheRequestTemplateIsTheClientsError() {
        ChatRenderOptions broken = new ChatRenderOptions(true, false, Map.of(), List.of(), "{% for m in messages %}{{ m.content }}");

        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> R1_TEMPLATES.render(List.of(ChatMessage.user("Hi")), broken));

        assertEquals("chat_template", e.param());
        assertTrue(e.getMessage().startsWith("The request's chat_template failed to render: "), e.getMessage());
        assertTrue(e.getMessage().contains("endfor"), e.getMessage());
    }

    @Test
    void aBrokenModelTemplateFailsEachRenderRatherThanConstruction() {
        JinjavaChatTemplates broken = templates("{{ messages[0].content + }}");

        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> broken.render(List.of(ChatMessage.user("Hi")), ChatRenderOptions.defaults()));

        assertTrue(e.getMessage().startsWith("The model's chat template failed to render: "), e.getMessage());
    }

    @Test
    void templateSyntaxInsideAMessageIsPlainText() {
        String text = "{{ 7 * 7 }} {% if true %}yes{% endif %} {{ raise_exception('no') }}";

        assertEquals("<｜begin▁of▁sentence｜><｜User｜>" + text + "<｜Assistant｜><think>\n",
                R1_TEMPLATES.render(List.of(ChatMessage.user(text)), ChatRenderOptions.defaults()));
    }

    @Test
    void toolsReachTheTemplateAndTojsonWritesThemAsPythonDoes() {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", "get_weather");
        function.put("parameters", Map.of("type", "object"));
        Map<String, Object> tool = new LinkedHashMap<>();
        tool.put("type", "function");
        tool.put("function", function);
        ChatRenderOptions options = new ChatRenderOptions(true, false, Map.of(), List.of(tool), null);

        assertEquals("[{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"parameters\": {\"type\": \"object\"}}}]",
                templates("{{ tools | tojson }}").render(List.of(), options));
    }

    @Test
    void withoutToolsTheToolsVariableIsUndefined() {
        assertEquals("none", templates("{% if tools is defined %}some{% else %}none{% endif %}")
                .render(List.of(), ChatRenderOptions.defaults()));
    }

    @Test
    void messagesCarryNameToolCallIdAndExtraFieldsOnlyWhenPresent() {
        List<ChatMessage> conversation = List.of(
                new ChatMessage(Role.TOOL, "18C", List.of(), "get_weather", "call_1", Map.of("cached", true)),
                ChatMessage.user("ok"));

        assertEquals("get_weather call_1 true|-|-",
                templates("{{ messages[0].name }} {{ messages[0].tool_call_id }} {{ messages[0].cached }}"
                        + "|{{ '-' if messages[1].name is not defined }}|{{ '-' if messages[1].tool_calls is not defined }}")
                        .render(conversation, ChatRenderOptions.defaults()));
    }

    @Test
    void aTrailingNewlineOfTheTemplateSourceIsDroppedAsJinja2Does() {
        assertEquals("x", templates("x\n").render(List.of(), ChatRenderOptions.defaults()));
    }

    @Test
    void oneTemplateRendersCorrectlyFromManyThreadsAtOnce() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = IntStream.range(0, 200).mapToObj(i -> pool.submit(() -> {
                String question = "question " + i;
                String prompt = R1_TEMPLATES.render(List.of(ChatMessage.user(question)), ChatRenderOptions.defaults());
                return prompt.equals(BOS + "<｜User｜>" + question + "<｜Assistant｜><think>\n");
            })).toList();
            for (Future<Boolean> result : results) {
                assertTrue(result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static ChatRenderOptions continuing() {
        return new ChatRenderOptions(false, true, Map.of(), List.of(), null);
    }

    private static JinjavaChatTemplates templates(String source) {
        return new JinjavaChatTemplates(new ChatTemplate(source, BOS, EOS));
    }

    private static String resource(String name) {
        try (InputStream in = JinjavaChatTemplatesTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
