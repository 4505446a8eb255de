package dev.vela.bootstrap;

import static dev.vela.bootstrap.TestClient.ids;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import dev.vela.adapters.hf.HfTokenizer;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * DeepSeek-R1-Distill-Qwen's text side end to end, through HTTP, on a model with its real vocabulary
 * ({@link ModelPreset#R1_DISTILL_VOCAB_TINY}) and without a reasoning parser, as the brief deploys it:
 * token ids and counts, the chat template as every endpoint applies it, and how generated markers
 * and special tokens reach the text. The weights are random, so generated tokens are forced with
 * {@code logit_bias}.
 */
@WithVelaServer(model = ModelPreset.R1_DISTILL_VOCAB_TINY, weights = WeightType.BFLOAT16)
class R1DistillEndToEndTest {

    static final String MODEL = "DeepSeek-R1-Distill-Qwen-32B";
    static final int EOS = 151643;
    static final int BOS = 151646;
    static final int THINK = 151648;
    static final int END_THINK = 151649;
    private static final String EOS_TEXT = "<｜end▁of▁sentence｜>";
    private static final String BOS_TEXT = "<｜begin▁of▁sentence｜>";
    private static final String CHINESE = "请介绍下中科院计算所？";

    private static HfTokenizer tokenizer;

    @BeforeAll
    static void openTheModelsTokenizer() {
        tokenizer = HfTokenizer.load(VelaServerExtension.model(ModelPreset.R1_DISTILL_VOCAB_TINY, WeightType.BFLOAT16)
                .resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    /**
     * A conversation and the other template fields of a request ({@code fields}, JSON members that
     * {@code /tokenize} and {@code /v1/chat/completions} both take), and the prompt transformers'
     * {@code apply_chat_template} renders for them.
     */
    record Conversation(String name, String fields, String rendered) {

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Conversation> conversations() {
        return Stream.of(
                new Conversation("a system prompt", """
                        "messages": [{"role": "system", "content": "You are a helpful assistant."},
                                     {"role": "user", "content": "Hi"}]""",
                        BOS_TEXT + "You are a helpful assistant.<｜User｜>Hi<｜Assistant｜><think>\n"),
                new Conversation("several turns with reasoning in the assistant's history", """
                        "messages": [{"role": "system", "content": "SYS"}, {"role": "user", "content": "2+2?"},
                                     {"role": "assistant", "content": "<think>\\nx\\n</think>\\n\\n4"},
                                     {"role": "user", "content": "3+3?"}]""",
                        BOS_TEXT + "SYS<｜User｜>2+2?<｜Assistant｜>\n\n4" + EOS_TEXT + "<｜User｜>3+3?<｜Assistant｜><think>\n"),
                // vLLM hands the template "" for a null content, which drops the call; Vela keeps it null, as transformers
                new Conversation("a tool call with content null and its output", """
                        "messages": [{"role": "user", "content": "Weather in Paris?"},
                                     {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                                       "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}}]},
                                     {"role": "tool", "tool_call_id": "call_1", "content": "18C"}]""",
                        BOS_TEXT + "<｜User｜>Weather in Paris?<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function"
                                + "<｜tool▁sep｜>get_weather\n```json\n{\"city\": \"Paris\"}\n```<｜tool▁call▁end｜>"
                                + "<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>18C<｜tool▁output▁end｜><｜tool▁outputs▁end｜>"),
                new Conversation("continue_final_message", """
                        "messages": [{"role": "user", "content": "Write a haiku"},
                                     {"role": "assistant", "content": "Autumn moonlight"}],
                        "add_generation_prompt": false, "continue_final_message": true""",
                        BOS_TEXT + "<｜User｜>Write a haiku<｜Assistant｜>Autumn moonlight"),
                new Conversation("chat_template_kwargs", """
                        "messages": [{"role": "user", "content": "Hi"}], "chat_template_kwargs": {"bos_token": ""}""",
                        "<｜User｜>Hi<｜Assistant｜><think>\n"),
                new Conversation("a per-request chat_template", """
                        "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}],
                        "chat_template": "{% for m in messages %}<|im_start|>{{ m['role'] }}\\n{{ m['content'] }}<|im_end|>\\n{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\\n{% endif %}\"""",
                        "<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n"),
                new Conversation("content given as text parts", """
                        "messages": [{"role": "user", "content": [{"type": "text", "text": "Hello,"},
                                                                  {"type": "text", "text": "world!"}]}]""",
                        BOS_TEXT + "<｜User｜>Hello,\nworld!<｜Assistant｜><think>\n"));
    }

    @Test
    void aHelloWorldChatTokenizesToTheRealModelsNineIds(TestClient client) {
        JsonObject answer = client.post("/tokenize", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hello, world!\"}]}").json();

        assertArrayEquals(new int[] {151646, 151644, 9707, 11, 1879, 0, 151645, 151648, 198}, ids(answer.getJsonArray("tokens")));
        assertEquals(9, answer.getInt("count"));
    }

    @Test
    void aHelloWorldChatReportsNinePromptTokens(TestClient client) {
        ChatCompletion chat = client.openai().chat().completions().create(ChatCompletionCreateParams.builder()
                .model(MODEL).addUserMessage("Hello, world!").maxCompletionTokens(2).temperature(0.0).build());

        assertEquals(9, chat.usage().orElseThrow().promptTokens());
    }

    @Test
    void aHelloWorldCompletionReportsFivePromptTokensBosIncluded(TestClient client) {
        Completion completion = client.openai().completions().create(CompletionCreateParams.builder()
                .model(MODEL).prompt("Hello, world!").maxTokens(2).temperature(0.0).build());

        assertEquals(5, completion.usage().orElseThrow().promptTokens());
        assertArrayEquals(new int[] {BOS, 9707, 11, 1879, 0},
                ids(client.post("/tokenize", "{\"prompt\": \"Hello, world!\"}").json().getJsonArray("tokens")));
    }

    @Test
    void tokenStringsAreTheVocabularyEntriesAsVllmReturnsThem(TestClient client) {
        JsonObject answer = client.post("/tokenize", "{\"prompt\": \"Hello world\", \"return_token_strs\": true}").json();

        assertEquals(List.of(BOS_TEXT, "Hello", "Ġworld"), strings(answer.getJsonArray("token_strs")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conversations")
    void theServerRendersTheConversationAsTransformersDoes(Conversation conversation, TestClient client) {
        int[] tokens = ids(client.post("/tokenize", "{" + conversation.fields() + "}").json().getJsonArray("tokens"));

        assertArrayEquals(tokenizer.encode(conversation.rendered(), false), tokens);
        assertEquals(conversation.rendered(), client.post("/detokenize", "{\"tokens\": " + Arrays.toString(tokens) + "}")
                .json().getString("prompt"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conversations")
    void streamedAndWholeAnswersCountTheTokensTokenizeCounts(Conversation conversation, TestClient client) {
        int count = client.post("/tokenize", "{" + conversation.fields() + "}").json().getInt("count");
        String request = "{" + conversation.fields() + ", \"max_tokens\": 3, \"temperature\": 0";

        TestClient.Reply whole = client.post("/v1/chat/completions", request + "}");
        assertEquals(200, whole.status(), whole.body());
        JsonObject usage = whole.json().getJsonObject("usage");
        assertEquals(count, usage.getInt("prompt_tokens"));

        List<JsonObject> events = client.post("/v1/chat/completions",
                request + ", \"stream\": true, \"stream_options\": {\"include_usage\": true}}").events();
        JsonObject streamedUsage = events.getLast().getJsonObject("usage");
        assertEquals(count, streamedUsage.getInt("prompt_tokens"));
        assertEquals(usage.getInt("completion_tokens"), streamedUsage.getInt("completion_tokens"));
        assertEquals(usage.getInt("total_tokens"), streamedUsage.getInt("total_tokens"));
    }

    @Test
    void theChinesePromptsIdsDetokenizeBackToTheSameText(TestClient client) {
        int[] ids = ids(client.post("/tokenize", "{\"prompt\": \"" + CHINESE + "\", \"add_special_tokens\": false}")
                .json().getJsonArray("tokens"));

        assertArrayEquals(new int[] {14880, 100157, 16872, 113586, 100768, 31838, 11319}, ids);
        assertEquals(CHINESE, client.post("/detokenize", "{\"tokens\": " + Arrays.toString(ids) + "}").json().getString("prompt"));
    }

    /** Without a reasoning parser {@code </think>} is ordinary text: {@code skip_special_tokens} (on by default) keeps it. */
    @Test
    void aGeneratedEndOfThinkingStaysInTheContent(TestClient client) {
        String request = chat(1, "\"logit_bias\": {\"" + END_THINK + "\": 100}");

        assertEquals("</think>", message(client.post("/v1/chat/completions", request + "}")).getString("content"));
        assertEquals("</think>", streamedContent(client.post("/v1/chat/completions", request + ", \"stream\": true}")));
    }

    @Test
    void aGeneratedStartOfThinkingStaysInTheContent(TestClient client) {
        String request = chat(1, "\"logit_bias\": {\"" + THINK + "\": 100}");

        assertEquals("<think>", message(client.post("/v1/chat/completions", request + "}")).getString("content"));
    }

    @Test
    void skippingSpecialTokensDropsAGeneratedEosAndBosFromTheText(TestClient client) {
        assertEquals("", text(client, EOS, 2, "\"ignore_eos\": true"));
        assertEquals("", text(client, EOS, 2, "\"ignore_eos\": true, \"skip_special_tokens\": true"));
        assertEquals("", text(client, BOS, 1, ""));
        assertEquals("", message(client.post("/v1/chat/completions", chat(1, "\"logit_bias\": {\"" + BOS + "\": 100}") + "}"))
                .getString("content"));
    }

    @Test
    void keepingSpecialTokensShowsAGeneratedEosAndBos(TestClient client) {
        assertEquals(EOS_TEXT + EOS_TEXT, text(client, EOS, 2, "\"ignore_eos\": true, \"skip_special_tokens\": false"));
        assertEquals(BOS_TEXT, text(client, BOS, 1, "\"skip_special_tokens\": false"));
        assertEquals(BOS_TEXT, message(client.post("/v1/chat/completions",
                chat(1, "\"logit_bias\": {\"" + BOS + "\": 100}, \"skip_special_tokens\": false") + "}")).getString("content"));
    }

    /**
     * vLLM's detokenizer for fast tokenizers (R1-Distill's is {@code LlamaTokenizerFast}) decodes with
     * the tokenizers library's {@code DecodeStream}, which has no such option: only slow tokenizers
     * put spaces between special tokens, so with R1-Distill the field changes nothing.
     */
    @Test
    void spacesBetweenSpecialTokensChangesNothingWithAFastTokenizerAsInVllm(TestClient client) {
        String keep = "\"ignore_eos\": true, \"skip_special_tokens\": false, \"spaces_between_special_tokens\": ";

        assertEquals(EOS_TEXT + EOS_TEXT, text(client, EOS, 2, keep + "true"));
        assertEquals(EOS_TEXT + EOS_TEXT, text(client, EOS, 2, keep + "false"));
        assertEquals("", text(client, EOS, 2, "\"ignore_eos\": true, \"spaces_between_special_tokens\": false"));
    }

    /** A greedy chat request about "Hello, world!" with {@code max_tokens} and extra fields, left open. */
    static String chat(int maxTokens, String fields) {
        return "{\"messages\": [{\"role\": \"user\", \"content\": \"Hello, world!\"}], \"max_tokens\": " + maxTokens
                + ", \"temperature\": 0" + (fields.isEmpty() ? "" : ", " + fields);
    }

    static JsonObject message(TestClient.Reply reply) {
        assertEquals(200, reply.status(), reply.body());
        return reply.json().getJsonArray("choices").getJsonObject(0).getJsonObject("message");
    }

    /** The content of every delta of a stream, joined. */
    static String streamedContent(TestClient.Reply reply) {
        assertEquals(200, reply.status(), reply.body());
        return reply.streamed("content");
    }

    /** The text of a greedy completion of "Hello, world!" whose every token is {@code forced}. */
    private static String text(TestClient client, int forced, int maxTokens, String fields) {
        TestClient.Reply reply = client.post("/v1/completions", "{\"prompt\": \"Hello, world!\", \"max_tokens\": " + maxTokens
                + ", \"temperature\": 0, \"logit_bias\": {\"" + forced + "\": 100}" + (fields.isEmpty() ? "" : ", " + fields) + "}");
        assertEquals(200, reply.status(), reply.body());
        assertEquals(maxTokens, reply.json().getJsonObject("usage").getInt("completion_tokens"), "every forced token was generated");
        return reply.text();
    }

    private static List<String> strings(JsonArray values) {
        return values.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }
}
