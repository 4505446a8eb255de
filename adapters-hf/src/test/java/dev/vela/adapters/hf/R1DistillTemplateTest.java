package dev.vela.adapters.hf;

import static dev.vela.adapters.hf.random.R1DistillTokens.BOS;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.application.port.out.ChatTemplates;
import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.chat.Role;
import dev.vela.domain.chat.ToolCall;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DeepSeek-R1-Distill-Qwen's chat template, byte for byte: conversations rendered with the template
 * of a model written by {@link RandomModelWriter} and read back by {@link HfModelDirectory}, against
 * prompts written out literally. Each expected prompt is what transformers' {@code apply_chat_template}
 * renders (jinja2 3.1.6 with trim_blocks and lstrip_blocks, checked one by one), quirks of the
 * template included: it was written for DeepSeek's own tool-call markers and keeps its tool state
 * across the whole conversation.
 */
class R1DistillTemplateTest {

    @TempDir
    static Path dir;
    static ChatTemplates templates;
    static HfTokenizer tokenizer;

    @BeforeAll
    static void writeModel() {
        HfModelDirectory model = HfModelDirectory.open(
                RandomModelWriter.write(ModelPreset.R1_DISTILL_VOCAB_TINY, WeightType.BFLOAT16, 1, dir.resolve("m")));
        templates = JinjavaChatTemplates.forModel(model.chatTemplate());
        tokenizer = HfTokenizer.load(model.tokenizerJson());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void aSingleUserTurnEndsWithTheAssistantMarkerAndAnOpenThink() {
        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Hello, world!<｜Assistant｜><think>\n",
                render(List.of(ChatMessage.user("Hello, world!"))));
    }

    @Test
    void aSystemPromptIsPlacedBareRightAfterBos() {
        assertEquals("<｜begin▁of▁sentence｜>You are a helpful assistant.<｜User｜>Hi<｜Assistant｜><think>\n",
                render(List.of(ChatMessage.system("You are a helpful assistant."), ChatMessage.user("Hi"))));
    }

    @Test
    void onlyTheLastOfTwoSystemMessagesCountsWhereverItStands() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.system("Be brief."),
                ChatMessage.user("Hi"),
                ChatMessage.system("Be kind."),
                ChatMessage.user("Bye"));

        assertEquals("<｜begin▁of▁sentence｜>Be kind.<｜User｜>Hi<｜User｜>Bye<｜Assistant｜><think>\n", render(conversation));
    }

    @Test
    void assistantHistoryIsCutToTheTextAfterThink() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.system("SYS"),
                ChatMessage.user("2+2?"),
                ChatMessage.assistant("<think>\nx\n</think>\n\n4"),
                ChatMessage.user("3+3?"));

        assertEquals("<｜begin▁of▁sentence｜>SYS<｜User｜>2+2?<｜Assistant｜>\n\n4<｜end▁of▁sentence｜>"
                + "<｜User｜>3+3?<｜Assistant｜><think>\n", render(conversation));
    }

    @Test
    void assistantHistoryWithoutThinkIsKeptWhole() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("Hi"),
                ChatMessage.assistant("Hello! How can I help?"),
                ChatMessage.user("Tell me a joke."));

        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Hi<｜Assistant｜>Hello! How can I help?<｜end▁of▁sentence｜>"
                + "<｜User｜>Tell me a joke.<｜Assistant｜><think>\n", render(conversation));
    }

    @Test
    void onlyTheTextAfterTheLastEndOfThinkingIsKept() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("Q1"),
                ChatMessage.assistant("<think>a</think>b</think>c"),
                ChatMessage.user("Q2"));

        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Q1<｜Assistant｜>c<｜end▁of▁sentence｜>"
                + "<｜User｜>Q2<｜Assistant｜><think>\n", render(conversation));
    }

    @Test
    void anAssistantTurnThatIsAllReasoningKeepsNothing() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("Q1"),
                ChatMessage.assistant("<think>only reasoning</think>"),
                ChatMessage.user("Q2"));

        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Q1<｜Assistant｜><｜end▁of▁sentence｜>"
                + "<｜User｜>Q2<｜Assistant｜><think>\n", render(conversation));
    }

    @Test
    void toolCallsWithoutTextAndTheirOutputsUseDeepSeeksToolMarkers() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("Weather in Paris and Rome?"),
                toolCalls(weather("call_1", "Paris"), weather("call_2", "Rome")),
                toolOutput("18C", "call_1"),
                toolOutput("21C", "call_2"),
                ChatMessage.assistant("Paris 18C, Rome 21C."),
                ChatMessage.user("Thanks!"));

        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Weather in Paris and Rome?"
                + "<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n"
                + "```json\n{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜>\n"
                + "<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n"
                + "```json\n{\"city\": \"Rome\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜><｜end▁of▁sentence｜>"
                + "<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>18C<｜tool▁output▁end｜>\n"
                + "<｜tool▁output▁begin｜>21C<｜tool▁output▁end｜><｜tool▁outputs▁end｜>"
                + "Paris 18C, Rome 21C.<｜end▁of▁sentence｜><｜User｜>Thanks!<｜Assistant｜><think>\n", render(conversation));
    }

    @Test
    void aSingleToolCallIsNotClosedAndAToolOutputLastOpensNoAssistantTurn() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("Weather in Paris?"),
                toolCalls(weather("call_1", "Paris")),
                toolOutput("18C", "call_1"));

        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Weather in Paris?"
                + "<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n"
                + "```json\n{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜>"
                + "<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>18C<｜tool▁output▁end｜><｜tool▁outputs▁end｜>",
                render(conversation));
    }

    @Test
    void everyCallAfterTheFirstClosesTheCallsAgainAndToolOutputsInARowAreJoinedByNewlines() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("Weather in Paris, Rome and Oslo?"),
                toolCalls(weather("call_1", "Paris"), weather("call_2", "Rome"), weather("call_3", "Oslo")),
                toolOutput("18C", "call_1"),
                toolOutput("21C", "call_2"),
                toolOutput("4C", "call_3"));

        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Weather in Paris, Rome and Oslo?"
                + "<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n"
                + "```json\n{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜>\n"
                + "<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n"
                + "```json\n{\"city\": \"Rome\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜><｜end▁of▁sentence｜>\n"
                + "<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n"
                + "```json\n{\"city\": \"Oslo\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜><｜end▁of▁sentence｜>"
                + "<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>18C<｜tool▁output▁end｜>\n"
                + "<｜tool▁output▁begin｜>21C<｜tool▁output▁end｜>\n"
                + "<｜tool▁output▁begin｜>4C<｜tool▁output▁end｜><｜tool▁outputs▁end｜>", render(conversation));
    }

    @Test
    void aSecondRoundOfToolCallsContinuesTheFirstRoundsMarkers() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("Weather in Paris?"),
                toolCalls(weather("call_1", "Paris")),
                toolOutput("18C", "call_1"),
                toolCalls(weather("call_2", "Rome")),
                toolOutput("21C", "call_2"),
                ChatMessage.assistant("Paris 18C, Rome 21C."));

        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Weather in Paris?"
                + "<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n"
                + "```json\n{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜>"
                + "<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>18C<｜tool▁output▁end｜>\n"
                + "<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n"
                + "```json\n{\"city\": \"Rome\"}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜><｜end▁of▁sentence｜>\n"
                + "<｜tool▁output▁begin｜>21C<｜tool▁output▁end｜><｜tool▁outputs▁end｜>"
                + "Paris 18C, Rome 21C.<｜end▁of▁sentence｜>", render(conversation, noGenerationPrompt()));
    }

    /** A turn with calls and an empty text (not null) is, for this template, an empty assistant turn. */
    @Test
    void toolCallsWithEmptyTextRenderAsAnEmptyAssistantTurn() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.user("Weather in Paris?"),
                new ChatMessage(Role.ASSISTANT, "", List.of(weather("call_1", "Paris")), null, null, Map.of()));

        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Weather in Paris?<｜Assistant｜><｜end▁of▁sentence｜>",
                render(conversation, noGenerationPrompt()));
    }

    @Test
    void withoutAGenerationPromptTheLastAssistantTurnIsClosed() {
        assertEquals("<｜begin▁of▁sentence｜><｜User｜>2+2?<｜Assistant｜>4<｜end▁of▁sentence｜>",
                render(List.of(ChatMessage.user("2+2?"), ChatMessage.assistant("4")), noGenerationPrompt()));
    }

    @Test
    void continuingTheFinalMessageLeavesItOpen() {
        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Write a haiku<｜Assistant｜>Autumn moonlight",
                render(List.of(ChatMessage.user("Write a haiku"), ChatMessage.assistant("Autumn moonlight")), continuing()));
    }

    @Test
    void continuingKeepsTheTrailingSpaceTheTemplateKept() {
        assertEquals("<｜begin▁of▁sentence｜><｜User｜>Write a haiku<｜Assistant｜>Autumn moonlight ",
                render(List.of(ChatMessage.user("Write a haiku"), ChatMessage.assistant("Autumn moonlight ")), continuing()));
    }

    @Test
    void continuingUnfinishedReasoningKeepsItsThink() {
        assertEquals("<｜begin▁of▁sentence｜><｜User｜>2+2?<｜Assistant｜><think>\nThe user wants",
                render(List.of(ChatMessage.user("2+2?"), ChatMessage.assistant("<think>\nThe user wants")), continuing()));
    }

    @Test
    void chatTemplateKwargsCanReplaceTheBosToken() {
        ChatRenderOptions noBos = new ChatRenderOptions(true, false, Map.of("bos_token", ""), List.of(), null);

        assertEquals("<｜User｜>Hi<｜Assistant｜><think>\n", render(List.of(ChatMessage.user("Hi")), noBos));
    }

    @Test
    void aPerRequestTemplateIsRenderedWithJinja2sBlockWhitespaceRules() {
        String chatMl = """
                {% for message in messages %}
                <|im_start|>{{ message['role'] }}
                {{ message['content'] }}<|im_end|>
                {% endfor %}
                {% if add_generation_prompt %}
                <|im_start|>assistant
                {% endif %}
                """;
        ChatRenderOptions options = new ChatRenderOptions(true, false, Map.of(), List.of(), chatMl);

        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n",
                render(List.of(ChatMessage.system("Be brief."), ChatMessage.user("Hi")), options));
    }

    @Test
    void multiLineContentIsKeptVerbatim() {
        List<ChatMessage> conversation = List.of(
                ChatMessage.system("Rules:\n1. Be brief.\n2. Be kind."),
                ChatMessage.user("First line\n\n  indented line\nlast line "));

        assertEquals("<｜begin▁of▁sentence｜>Rules:\n1. Be brief.\n2. Be kind."
                + "<｜User｜>First line\n\n  indented line\nlast line <｜Assistant｜><think>\n", render(conversation));
    }

    @Test
    void aRenderedChatTokenizesToTheRealIdsWithOneBos() {
        String prompt = render(List.of(ChatMessage.user("Hello, world!")));

        assertArrayEquals(new int[] {151646, 151644, 9707, 11, 1879, 0, 151645, 151648, 198},
                tokenizer.encode(prompt, false));
    }

    /** Why a chat prompt is tokenized without special tokens: its BOS is already in the text. */
    @Test
    void addingSpecialTokensToARenderedChatWouldDoubleTheBos() {
        int[] ids = tokenizer.encode(render(List.of(ChatMessage.user("Hi"))), true);

        assertArrayEquals(new int[] {151646, 151646}, Arrays.copyOf(ids, 2));
        assertEquals(BOS + BOS, tokenizer.decode(Arrays.copyOf(ids, 2), false));
    }

    private static String render(List<ChatMessage> conversation) {
        return render(conversation, ChatRenderOptions.defaults());
    }

    private static String render(List<ChatMessage> conversation, ChatRenderOptions options) {
        return templates.render(conversation, options);
    }

    private static ChatRenderOptions noGenerationPrompt() {
        return new ChatRenderOptions(false, false, Map.of(), List.of(), null);
    }

    private static ChatRenderOptions continuing() {
        return new ChatRenderOptions(false, true, Map.of(), List.of(), null);
    }

    private static ToolCall weather(String id, String city) {
        return new ToolCall(id, "function", "get_weather", "{\"city\": \"" + city + "\"}");
    }

    private static ChatMessage toolCalls(ToolCall... calls) {
        return new ChatMessage(Role.ASSISTANT, null, List.of(calls), null, null, Map.of());
    }

    private static ChatMessage toolOutput(String content, String callId) {
        return new ChatMessage(Role.TOOL, content, List.of(), null, callId, Map.of());
    }
}
