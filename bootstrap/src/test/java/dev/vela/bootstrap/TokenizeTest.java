package dev.vela.bootstrap;

import static dev.vela.bootstrap.TestClient.ids;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.hf.ByteLevelAlphabet;
import dev.vela.adapters.hf.HfTokenizer;
import dev.vela.adapters.hf.JinjavaChatTemplates;
import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** vLLM's {@code POST /tokenize} (prompt and chat forms) and {@code POST /detokenize}, with the model's own tokenizer. */
@WithVelaServer
class TokenizeTest {

    private static final String PROMPT = "请介绍下中科院计算所？ San Francisco is a";
    private static HfModelDirectory model;
    private static HfTokenizer tokenizer;

    @BeforeAll
    static void openTheModelsTokenizer() {
        Path dir = VelaServerExtension.model(ModelPreset.TINY, WeightType.FLOAT32);
        model = HfModelDirectory.open(dir);
        tokenizer = HfTokenizer.load(model.tokenizerJson());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void aPromptTokenizesToTheTokenizersIdsWithSpecialTokens(TestClient client) {
        JsonObject answer = client.post("/tokenize", "{\"prompt\": \"" + PROMPT + "\"}").json();
        int[] expected = tokenizer.encode(PROMPT, true);
        assertArrayEquals(expected, ids(answer.getJsonArray("tokens")));
        assertEquals(expected.length, answer.getInt("count"));
        assertEquals(1024, answer.getInt("max_model_len"));
        assertTrue(answer.isNull("token_strs"));
    }

    @Test
    void specialTokensCanBeLeftOut(TestClient client) {
        JsonObject answer = client.post("/tokenize", "{\"prompt\": \"" + PROMPT + "\", \"add_special_tokens\": false}").json();
        assertArrayEquals(tokenizer.encode(PROMPT, false), ids(answer.getJsonArray("tokens")));
    }

    @Test
    void aConversationTokenizesAsTheChatTemplateRendersIt(TestClient client) {
        JsonObject answer = client.post("/tokenize", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hello!\"}]}").json();
        String rendered = JinjavaChatTemplates.forModel(model.chatTemplate())
                .render(List.of(ChatMessage.user("Hello!")), ChatRenderOptions.defaults());
        assertArrayEquals(tokenizer.encode(rendered, false), ids(answer.getJsonArray("tokens")));
    }

    @Test
    void tokenStringsAreTheVocabularyEntriesWhenAskedFor(TestClient client) {
        JsonObject answer = client.post("/tokenize", "{\"prompt\": \"San Francisco\", \"return_token_strs\": true}").json();
        int[] ids = ids(answer.getJsonArray("tokens"));
        List<String> strings = answer.getJsonArray("token_strs").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList();
        assertEquals(Arrays.stream(ids).mapToObj(tokenizer::tokenString).toList(), strings);
        assertEquals(ByteLevelAlphabet.encode("San Francisco".getBytes(StandardCharsets.UTF_8)),
                String.join("", strings.subList(1, strings.size())), "byte-level strings, the space written as Ġ");
    }

    @Test
    void detokenizeGivesTheTextBack(TestClient client) {
        int[] ids = tokenizer.encode(PROMPT, false);
        JsonObject answer = client.post("/detokenize", "{\"tokens\": " + Arrays.toString(ids) + "}").json();
        assertEquals(PROMPT, answer.getString("prompt"));
    }

    @Test
    void errorsUseTheOpenAiShape(TestClient client) {
        TestClient.Reply unknownModel = client.post("/tokenize", "{\"model\": \"gpt-4\", \"prompt\": \"Hi\"}");
        assertEquals(404, unknownModel.status());
        assertEquals("NotFoundError", unknownModel.json().getJsonObject("error").getString("type"));
        TestClient.Reply outOfVocabulary = client.post("/detokenize", "{\"tokens\": [1, 99999]}");
        assertEquals(400, outOfVocabulary.status());
        assertEquals("tokens", outOfVocabulary.json().getJsonObject("error").getString("param"));
        TestClient.Reply noPrompt = client.post("/tokenize", "{\"model\": \"DeepSeek-R1-Distill-Qwen-32B\"}");
        assertEquals(400, noPrompt.status());
        assertEquals("prompt", noPrompt.json().getJsonObject("error").getString("param"));
    }
}
