package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.client.OpenAIClient;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.models.Model;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The official OpenAI Java SDK, unchanged, against a running Vela server. */
@WithVelaServer
class OpenAiSdkTest {

    private static final String MODEL = "DeepSeek-R1-Distill-Qwen-32B";

    private static CompletionCreateParams greedyCompletion(String prompt, long maxTokens) {
        return CompletionCreateParams.builder().model(MODEL).prompt(prompt).maxTokens(maxTokens).temperature(0.0).build();
    }

    private static ChatCompletionCreateParams greedyChat(String message) {
        return ChatCompletionCreateParams.builder().model(MODEL).addUserMessage(message)
                .maxCompletionTokens(24).temperature(0.0).build();
    }

    @Test
    void listsTheServedModelByItsServedName(TestClient client) {
        List<Model> models = client.openai().models().list().data();
        assertEquals(1, models.size());
        assertEquals(MODEL, models.get(0).id());
    }

    @Test
    void aGreedyCompletionIsTheSameOnRepeat(TestClient client) {
        OpenAIClient openai = client.openai();
        Completion first = openai.completions().create(greedyCompletion("San Francisco is a", 12));
        Completion second = openai.completions().create(greedyCompletion("San Francisco is a", 12));
        assertEquals(first.choices().get(0).text(), second.choices().get(0).text());
        assertTrue(first.id().startsWith("cmpl-"));
        assertEquals(MODEL, first.model());
        assertEquals(12, first.usage().orElseThrow().completionTokens());
    }

    @Test
    void aChatCompletionAnswersAsTheAssistant(TestClient client) {
        ChatCompletion chat = client.openai().chat().completions().create(greedyChat("Hello, world!"));
        assertTrue(chat.id().startsWith("chatcmpl-"));
        ChatCompletion.Choice choice = chat.choices().get(0);
        assertTrue(choice.message().content().isPresent());
        assertTrue(chat.usage().orElseThrow().promptTokens() > 0);
        assertEquals(chat.usage().orElseThrow().totalTokens(),
                chat.usage().orElseThrow().promptTokens() + chat.usage().orElseThrow().completionTokens());
    }

    @Test
    void aStreamedCompletionConcatenatesToTheNonStreamedText(TestClient client) {
        OpenAIClient openai = client.openai();
        String whole = openai.completions().create(greedyCompletion("The quick brown fox", 20)).choices().get(0).text();
        StringBuilder streamed = new StringBuilder();
        String finishReason = null;
        try (StreamResponse<Completion> stream = openai.completions().createStreaming(greedyCompletion("The quick brown fox", 20))) {
            for (Completion chunk : stream.stream().toList()) {
                for (var choice : chunk.choices()) {
                    streamed.append(choice.text());
                    // finish_reason is null until a choice's last chunk, so read the raw field
                    if (choice._finishReason().asKnown().isPresent()) {
                        finishReason = choice._finishReason().asKnown().get().asString();
                    }
                }
            }
        }
        assertEquals(whole, streamed.toString());
        assertFalse(finishReason == null, "the last chunk carries finish_reason");
    }

    @Test
    void aStreamedChatConcatenatesToTheNonStreamedAnswer(TestClient client) {
        OpenAIClient openai = client.openai();
        String whole = openai.chat().completions().create(greedyChat("Tell me about Paris."))
                .choices().get(0).message().content().orElse("");
        StringBuilder streamed = new StringBuilder();
        boolean sawRole = false;
        try (StreamResponse<ChatCompletionChunk> stream = openai.chat().completions().createStreaming(greedyChat("Tell me about Paris."))) {
            for (ChatCompletionChunk chunk : stream.stream().toList()) {
                for (ChatCompletionChunk.Choice choice : chunk.choices()) {
                    sawRole |= choice.delta().role().isPresent();
                    choice.delta().content().ifPresent(streamed::append);
                }
            }
        }
        assertTrue(sawRole, "the first chunk carries the role");
        assertEquals(whole, streamed.toString());
    }
}
