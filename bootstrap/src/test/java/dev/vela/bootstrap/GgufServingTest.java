package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import dev.vela.adapters.hf.GgmlType;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.Qwen2GgufWriter;
import dev.vela.adapters.hf.random.WeightType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --model FILE.gguf --tokenizer DIR} serves a Q4_0 GGUF file over HTTP, named as vLLM names
 * it (the {@code --model} argument), answering the official OpenAI SDK.
 */
class GgufServingTest {

    @TempDir
    static Path temp;
    private static Path gguf;
    private static TestClient client;

    @BeforeAll
    static void serveAGgufFile() throws IOException {
        Path tokenizer = VelaServerExtension.model(ModelPreset.TINY, WeightType.FLOAT32);
        gguf = temp.resolve("vela-tiny-q4_0.gguf");
        Qwen2GgufWriter.write(tokenizer, gguf, GgmlType.Q4_0);
        VelaServer server = VelaServerExtension.start(Map.of("vela.model", gguf.toString(), "vela.tokenizer",
                tokenizer.toString(), "vela.max-model-len", "1024", "server.port", "0", "server.host", "127.0.0.1"));
        client = new TestClient(server.port());
    }

    @AfterAll
    static void stop() {
        VelaServerExtension.stop();
    }

    @Test
    void theModelIsListedUnderTheFileAsGiven() {
        List<Model> models = client.openai().models().list().data();
        assertEquals(List.of(gguf.toString()), models.stream().map(Model::id).toList());
        assertEquals(gguf.toString(), client.get("/v1/models").json().getJsonArray("data").getJsonObject(0).getString("root"));
    }

    @Test
    void aChatRequestIsAnsweredTheSameOnRepeat() {
        ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model(gguf.toString())
                .addUserMessage("Hello, world!").maxCompletionTokens(16).temperature(0.0).build();
        ChatCompletion first = client.openai().chat().completions().create(params);
        ChatCompletion second = client.openai().chat().completions().create(params);
        assertTrue(first.choices().get(0).message().content().isPresent());
        assertEquals(first.choices().get(0).message().content(), second.choices().get(0).message().content());
        long tokens = first.usage().orElseThrow().completionTokens();
        assertTrue(tokens > 0 && tokens <= 16, tokens + " tokens");
        assertEquals(gguf.toString(), first.model());
    }
}
