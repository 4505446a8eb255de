package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import dev.vela.adapters.hf.HfTokenizer;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code --enable-auto-tool-choice --tool-call-parser hermes} through the OpenAI Java SDK: a call
 * the model writes in its answer comes back as {@code message.tool_calls} and as
 * {@code delta.tool_calls}, the text before it as content. The weights are random, so the answer
 * is forced token by token: {@code allowed_token_ids} leaves only its tokens and EOS,
 * {@code logit_bias} ranks them and {@code repetition_penalty} retires each once written, as in
 * {@code R1ReasoningParserTest}; a bare template keeps the prompt free of the forced tokens.
 */
@WithVelaServer(model = ModelPreset.R1_DISTILL_VOCAB_TINY,
        settings = {"vela.served-model-name=DeepSeek-R1-Distill-Qwen-32B", "vela.max-model-len=1024",
                "vela.trust-request-chat-template=true", "vela.enable-auto-tool-choice=true", "vela.tool-call-parser=hermes"})
class HermesToolParserEndToEndTest {

    private static final String ANSWER = "Sure<tool_call>{\"name\":\"f\",\"arguments\":{}}</tool_call>";
    private static final String BARE_TEMPLATE = "{{ messages[0]['content'] }}";
    private static HfTokenizer tokenizer;

    @BeforeAll
    static void openTheModelsTokenizer() {
        tokenizer = HfTokenizer.load(VelaServerExtension.model(ModelPreset.R1_DISTILL_VOCAB_TINY, WeightType.FLOAT32)
                .resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void aCallTheModelWritesIsReadOutOfItsAnswer(TestClient client) {
        ChatCompletion.Choice choice = client.openai().chat().completions().create(forced()).choices().getFirst();
        assertEquals("Sure", choice.message().content().orElseThrow());
        List<ChatCompletionMessageFunctionToolCall> calls = choice.message().toolCalls().orElseThrow().stream()
                .map(ChatCompletionMessageToolCall::asFunction).toList();
        assertEquals(1, calls.size());
        assertEquals("f", calls.getFirst().function().name());
        assertEquals("{}", calls.getFirst().function().arguments());
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, choice.finishReason());
    }

    @Test
    void aStreamSendsTheTextThenTheCallAccumulatingToTheWholeAnswer(TestClient client) {
        ChatCompletion whole = client.openai().chat().completions().create(forced());
        ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
        try (StreamResponse<ChatCompletionChunk> stream = client.openai().chat().completions().createStreaming(forced())) {
            stream.stream().forEach(chunk -> {
                accumulator.accumulate(chunk);
                chunk.choices().forEach(c -> c.delta().toolCalls().orElse(List.of()).forEach(call -> {
                    assertEquals(0, call.index());
                }));
            });
        }
        ChatCompletion.Choice streamed = accumulator.chatCompletion().choices().getFirst();
        assertEquals("Sure", streamed.message().content().orElseThrow());
        ChatCompletionMessageFunctionToolCall.Function expected = whole.choices().getFirst().message().toolCalls().orElseThrow()
                .getFirst().asFunction().function();
        List<ChatCompletionMessageToolCall> calls = streamed.message().toolCalls().orElseThrow();
        assertEquals(1, calls.size());
        assertEquals(expected.name(), calls.getFirst().asFunction().function().name());
        assertEquals(expected.arguments(), calls.getFirst().asFunction().function().arguments());
        assertEquals(ChatCompletion.Choice.FinishReason.TOOL_CALLS, streamed.finishReason());
    }

    /** A request whose greedy answer is {@link #ANSWER}, then EOS. */
    private static ChatCompletionCreateParams forced() {
        int[] ids = tokenizer.encode(ANSWER, false);
        assertTrue(Arrays.stream(ids).distinct().count() == ids.length, "each forced token occurs once: " + Arrays.toString(ids));
        ChatCompletionCreateParams.LogitBias.Builder bias = ChatCompletionCreateParams.LogitBias.builder();
        List<Integer> allowed = new java.util.ArrayList<>();
        int step = 95 / ids.length;     // every bias stays positive: a written token, divided by the penalty, falls below them
        for (int i = 0; i < ids.length; i++) {
            bias.putAdditionalProperty(String.valueOf(ids[i]), JsonValue.from(100 - step * i));
            allowed.add(ids[i]);
        }
        bias.putAdditionalProperty(String.valueOf(R1DistillEndToEndTest.EOS), JsonValue.from(100 - step * ids.length));
        allowed.add(R1DistillEndToEndTest.EOS);
        return ChatCompletionCreateParams.builder()
                .model(R1DistillEndToEndTest.MODEL).addUserMessage("Hi").maxCompletionTokens(ids.length + 5).temperature(0.0)
                .addTool(ToolCallingEndToEndTest.tool("f", "{\"type\": \"object\", \"properties\": {}}"))
                .logitBias(bias.build())
                .putAdditionalBodyProperty("repetition_penalty", JsonValue.from(1000))
                .putAdditionalBodyProperty("allowed_token_ids", JsonValue.from(allowed))
                .putAdditionalBodyProperty("chat_template", JsonValue.from(BARE_TEMPLATE))
                .build();
    }
}
