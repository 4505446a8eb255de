package dev.vela.adapters.hf;

import static dev.vela.adapters.hf.random.R1DistillTokens.BOS;
import static dev.vela.adapters.hf.random.R1DistillTokens.EOS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.chat.ChatTemplate;
import dev.vela.domain.chat.Role;
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
 * How the renderer works with any template: variables, errors, continuation, threads. Expected
 * prompts are what transformers' {@code apply_chat_template} (jinja2 3.1.6, trim_blocks,
 * lstrip_blocks) renders; DeepSeek-R1-Distill-Qwen's own conversations are in
 * {@link R1DistillTemplateTest}.
 */
class JinjavaChatTemplatesTest {

    private static final ChatTemplate R1 = new ChatTemplate(resource("/dev/vela/adapters/hf/random/deepseek-r1-distill-chat-template.jinja"), BOS, EOS);
    private static final JinjavaChatTemplates R1_TEMPLATES = new JinjavaChatTemplates(R1);

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
    void aNullKwargIsPythonsNoneAndOverridesTheSpecialToken() {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("bos_token", null);

        assertEquals("none|false|", templates("{{ 'none' if bos_token is none }}|{{ bos_token is string }}|{{ bos_token }}")
                .render(List.of(), new ChatRenderOptions(true, false, kwargs, List.of(), null)));
    }

    @Test
    void kwargsOfEveryJsonTypeReachTheTemplate() {
        Map<String, Object> kwargs = new LinkedHashMap<>();
        kwargs.put("s", "t");
        kwargs.put("i", 2L);
        kwargs.put("d", 1.5);
        kwargs.put("b", true);
        kwargs.put("l", java.util.Arrays.asList(1, null, "x"));
        kwargs.put("m", Map.of("k", List.of(1)));

        assertEquals("t|3|3.0|yes|3|1", templates("{{ s }}|{{ i + 1 }}|{{ d * 2 }}|{{ 'yes' if b }}|{{ l | length }}"
                + "|{{ m['k'][0] }}").render(List.of(), new ChatRenderOptions(true, false, kwargs, List.of(), null)));
    }

    @Test
    void aTemplateInsideTheKwargsIsTheTemplateNotAVariable() {
        ChatRenderOptions options = new ChatRenderOptions(true, false,
                Map.of("chat_template", "{{ chat_template is defined }}"), List.of(), "ignored");

        assertEquals("false", R1_TEMPLATES.render(List.of(), options));
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
