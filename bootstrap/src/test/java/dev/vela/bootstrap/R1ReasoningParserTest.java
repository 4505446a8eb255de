package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import jakarta.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code --reasoning-parser deepseek_r1} through HTTP on the real-vocabulary model:
 * {@code reasoning_content} in the message and in the deltas, split by vLLM's rules.
 *
 * <p>The weights are random, so each output is forced token by token: {@code logit_bias} ranks
 * the tokens wanted (100, 90, 80, ...) and {@code repetition_penalty: 1000} divides a token's
 * logit once it has appeared, so the next one takes over. Tokens in the prompt are penalized too,
 * so these requests render the conversation with a template of their own that gives the bare
 * text {@code "Hi"}, which holds neither a marker nor a digit. Every rule is proved token by token
 * in {@code ReasoningChatTest} (application); these tests show the fields on the wire.
 */
@WithVelaServer(model = ModelPreset.R1_DISTILL_VOCAB_TINY, weights = WeightType.BFLOAT16,
        settings = {"vela.served-model-name=DeepSeek-R1-Distill-Qwen-32B", "vela.max-model-len=1024",
                "vela.reasoning-parser=deepseek_r1", "vela.trust-request-chat-template=true"})
class R1ReasoningParserTest {

    private static final int THINK = R1DistillEndToEndTest.THINK;
    private static final int END_THINK = R1DistillEndToEndTest.END_THINK;
    private static final int ONE = 16;
    private static final int TWO = 17;
    private static final int THREE = 18;
    private static final int HELLO = 9707;
    private static final String BARE_TEMPLATE = "{{ messages[0]['content'] }}";

    /** What a stream sent, joined: reasoning and content, or null when no delta carried the field. */
    record Streamed(String reasoning, String content) {
    }

    @Test
    void anOutputThatIsOnlyTheEndOfThinkingHasEmptyReasoningAndNoContent(TestClient client) {
        String request = R1DistillEndToEndTest.chat(1, "\"logit_bias\": {\"" + END_THINK + "\": 100}");

        JsonObject message = R1DistillEndToEndTest.message(client.post("/v1/chat/completions", request + "}"));
        assertEquals("", message.getString("reasoning_content"));
        assertTrue(message.isNull("content"));
        assertEquals(new Streamed(null, null), streamed(client, request));
    }

    @Test
    void anOutputWithoutTheEndOfThinkingIsAllReasoning(TestClient client) {
        String request = R1DistillEndToEndTest.chat(3, "\"logit_bias\": {\"" + HELLO + "\": 100}");

        JsonObject message = R1DistillEndToEndTest.message(client.post("/v1/chat/completions", request + "}"));
        assertEquals("HelloHelloHello", message.getString("reasoning_content"));
        assertTrue(message.isNull("content"));
        assertEquals(new Streamed("HelloHelloHello", null), streamed(client, request));
    }

    @Test
    void whatFollowsTheEndOfThinkingIsTheContent(TestClient client) {
        String request = forced(ONE, END_THINK, TWO);

        JsonObject message = R1DistillEndToEndTest.message(client.post("/v1/chat/completions", request + "}"));
        assertEquals("1", message.getString("reasoning_content"));
        assertEquals("2", message.getString("content"));
        assertEquals(new Streamed("1", "2"), streamed(client, request));
    }

    @Test
    void anOutputStartingWithTheEndOfThinkingHasEmptyReasoningWholeAndNoneStreamed(TestClient client) {
        String request = forced(END_THINK, ONE);

        JsonObject message = R1DistillEndToEndTest.message(client.post("/v1/chat/completions", request + "}"));
        assertEquals("", message.getString("reasoning_content"));
        assertEquals("1", message.getString("content"));
        assertEquals(new Streamed(null, "1"), streamed(client, request));
    }

    @Test
    void aStartOfThinkingInTheOutputIsDropped(TestClient client) {
        String request = forced(THINK, ONE, END_THINK, TWO);

        JsonObject message = R1DistillEndToEndTest.message(client.post("/v1/chat/completions", request + "}"));
        assertEquals("1", message.getString("reasoning_content"));
        assertEquals("2", message.getString("content"));
        assertEquals(new Streamed("1", "2"), streamed(client, request));
    }

    /** vLLM's own vector: the whole answer drops the text before {@code <think>}, a stream has already sent it. */
    @Test
    void textBeforeTheStartOfThinkingIsDroppedWholeButSentStreamed(TestClient client) {
        String request = forced(ONE, THINK, TWO, END_THINK, THREE);

        JsonObject message = R1DistillEndToEndTest.message(client.post("/v1/chat/completions", request + "}"));
        assertEquals("2", message.getString("reasoning_content"));
        assertEquals("3", message.getString("content"));
        assertEquals(new Streamed("12", "3"), streamed(client, request));
    }

    @Test
    void withoutIncludeReasoningOnlyTheContentIsSent(TestClient client) {
        String request = forced(ONE, END_THINK, TWO) + ", \"include_reasoning\": false";

        JsonObject message = R1DistillEndToEndTest.message(client.post("/v1/chat/completions", request + "}"));
        assertTrue(message.isNull("reasoning_content"));
        assertEquals("2", message.getString("content"));
        assertEquals(new Streamed(null, "2"), streamed(client, request));
    }

    @Test
    void withoutIncludeReasoningAnAnswerThatIsAllReasoningSendsNothing(TestClient client) {
        String request = R1DistillEndToEndTest.chat(3, "\"logit_bias\": {\"" + HELLO + "\": 100}, \"include_reasoning\": false");

        JsonObject message = R1DistillEndToEndTest.message(client.post("/v1/chat/completions", request + "}"));
        assertTrue(message.isNull("reasoning_content"));
        assertTrue(message.isNull("content"));
        assertEquals(new Streamed(null, null), streamed(client, request));
    }

    /**
     * The R1-Distill template leaves {@code <think>} open, so the answer starts in the reasoning; a
     * budget of two tokens forces {@code </think>} after them (never inside a character), and the
     * answer fills the rest of {@code max_tokens}. The forced ids show in the logprobs.
     */
    @Test
    void aThinkingTokenBudgetEndsTheReasoningAndTheAnswerFollows(TestClient client) {
        String request = "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 8, "
                + "\"temperature\": 0, \"ignore_eos\": true, \"logprobs\": true, \"thinking_token_budget\": 2";
        TestClient.Reply reply = client.post("/v1/chat/completions", request + "}");
        JsonObject message = R1DistillEndToEndTest.message(reply);
        assertFalse(message.isNull("reasoning_content"));
        assertFalse(message.isNull("content"), "the answer follows the forced end of the reasoning");
        assertEquals(8, reply.json().getJsonObject("usage").getInt("completion_tokens"), "max_tokens bounds the whole output");
        List<String> tokens = reply.json().getJsonArray("choices").getJsonObject(0).getJsonObject("logprobs")
                .getJsonArray("content").getValuesAs(JsonObject.class).stream().map(t -> t.getString("token")).toList();
        assertEquals("</think>", tokens.get(tokens.indexOf("</think>")));
        assertTrue(tokens.indexOf("</think>") >= 2, "two reasoning tokens, or the rest of a character, come first: " + tokens);
        Streamed streamed = streamed(client, request);
        assertEquals(message.getString("reasoning_content"), streamed.reasoning());
        assertEquals(message.getString("content"), streamed.content());
    }

    /** The SDK has no reasoning field of its own; it keeps reasoning_content among the message's other properties. */
    @Test
    void theOpenAiSdkReadsTheContentAndKeepsTheReasoning(TestClient client) {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
                .model(R1DistillEndToEndTest.MODEL).addUserMessage("Hi").maxCompletionTokens(3).temperature(0.0)
                .logitBias(ChatCompletionCreateParams.LogitBias.builder()
                        .putAdditionalProperty(String.valueOf(ONE), JsonValue.from(100))
                        .putAdditionalProperty(String.valueOf(END_THINK), JsonValue.from(90))
                        .putAdditionalProperty(String.valueOf(TWO), JsonValue.from(80)).build())
                .putAdditionalBodyProperty("repetition_penalty", JsonValue.from(1000))
                .putAdditionalBodyProperty("chat_template", JsonValue.from(BARE_TEMPLATE))
                .build();

        ChatCompletionMessage message = client.openai().chat().completions().create(params).choices().get(0).message();
        assertEquals("2", message.content().orElseThrow());
        assertEquals(JsonValue.from("1"), message._additionalProperties().get("reasoning_content"));

        StringBuilder content = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> stream = client.openai().chat().completions().createStreaming(params)) {
            stream.stream().forEach(chunk -> chunk.choices().forEach(choice -> choice.delta().content().ifPresent(content::append)));
        }
        assertEquals("2", content.toString());
    }

    /**
     * A greedy chat request whose output is {@code tokens}, in order: each ranked below the one
     * before it by {@code logit_bias}, each pushed down by {@code repetition_penalty} once used.
     */
    private static String forced(int... tokens) {
        StringBuilder bias = new StringBuilder();
        for (int i = 0; i < tokens.length; i++) {
            bias.append(i == 0 ? "" : ", ").append('"').append(tokens[i]).append("\": ").append(100 - 10 * i);
        }
        return "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"chat_template\": \"" + BARE_TEMPLATE + "\""
                + ", \"max_tokens\": " + tokens.length + ", \"temperature\": 0, \"repetition_penalty\": 1000"
                + ", \"logit_bias\": {" + bias + "}";
    }

    /** Streams {@code request} and joins its deltas, checking that no chunk carries a marker. */
    private static Streamed streamed(TestClient client, String request) {
        TestClient.Reply reply = client.post("/v1/chat/completions", request + ", \"stream\": true}");
        assertEquals(200, reply.status(), reply.body());
        for (JsonObject event : reply.events()) {
            for (JsonObject choice : event.getJsonArray("choices").getValuesAs(JsonObject.class)) {
                JsonObject delta = choice.getJsonObject("delta");
                if (delta.containsKey("role")) {
                    assertEquals("", delta.getString("content"), "the first chunk only opens the answer");
                } else {
                    assertFalse(delta.toString().contains("</think>") || delta.toString().contains("<think>"),
                            "no chunk carries a marker: " + delta);
                }
            }
        }
        return new Streamed(reply.streamed("reasoning_content"), reply.streamed("content"));
    }
}
