package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.HfTokenizer;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every generation field of the brief (and vLLM's extras) changes the answer the way vLLM's does. */
@WithVelaServer
class GenerationFieldsTest {

    private static final Path MODEL = VelaServerExtension.model(ModelPreset.TINY, WeightType.FLOAT32);
    private static final int EOS = HfModelDirectory.open(MODEL).generationConfig().eosTokenIds().getFirst();
    private static HfTokenizer tokenizer;
    private static int z;

    @BeforeAll
    static void loadTokenizer() {
        tokenizer = HfTokenizer.load(MODEL.resolve("tokenizer.json"));
        z = tokenizer.encode("z", false)[0];
    }

    @AfterAll
    static void closeTokenizer() {
        tokenizer.close();
    }

    private static JsonObject complete(TestClient client, String fields) {
        TestClient.Reply reply = client.post("/v1/completions", "{\"prompt\": \"The quick brown fox\", " + fields + "}");
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    private static JsonObject choice(JsonObject body, int index) {
        return body.getJsonArray("choices").getJsonObject(index);
    }

    private static String greedy(TestClient client, int maxTokens) {
        return text(complete(client, "\"max_tokens\": " + maxTokens + ", \"temperature\": 0"));
    }

    @Test
    void topKOfOneIsGreedy(TestClient client) {
        assertEquals(greedy(client, 12), text(complete(client, "\"max_tokens\": 12, \"temperature\": 1.0, \"top_k\": 1")));
    }

    @Test
    void aTinyTopPIsGreedy(TestClient client) {
        assertEquals(greedy(client, 12), text(complete(client, "\"max_tokens\": 12, \"temperature\": 1.0, \"top_p\": 0.0001")));
    }

    @Test
    void minPOfOneIsGreedy(TestClient client) {
        assertEquals(greedy(client, 12), text(complete(client, "\"max_tokens\": 12, \"temperature\": 1.0, \"min_p\": 1.0")));
    }

    @Test
    void theSameSeedGivesTheSameTextAndAnotherSeedAnother(TestClient client) {
        String fields = "\"max_tokens\": 24, \"temperature\": 1.0, \"seed\": ";
        String first = text(complete(client, fields + "123"));
        assertEquals(first, text(complete(client, fields + "123")));
        assertNotEquals(first, text(complete(client, fields + "124")));
    }

    @Test
    void logitBiasMakesATokenTheGreedyChoice(TestClient client) {
        String text = text(complete(client, "\"max_tokens\": 6, \"temperature\": 0, \"logit_bias\": {\"" + z + "\": 100}"));
        assertEquals("zzzzzz", text);
    }

    @Test
    void frequencyAndPresencePenaltiesStopARepeatedToken(TestClient client) {
        String biased = "\"max_tokens\": 24, \"temperature\": 0, \"logit_bias\": {\"" + z + "\": 30}";
        assertEquals("z".repeat(24), text(complete(client, biased)));
        String penalised = text(complete(client, biased + ", \"frequency_penalty\": 2.0, \"presence_penalty\": 2.0"));
        assertTrue(penalised.startsWith("zzz"), penalised);
        assertNotEquals("z".repeat(24), penalised, "the penalty grows with every z until another token wins");
    }

    @Test
    void aStopStringCutsTheTextAndIsTheStopReason(TestClient client) {
        String whole = greedy(client, 16);
        String stop = whole.substring(5, 7);
        JsonObject body = complete(client, "\"max_tokens\": 16, \"temperature\": 0, \"stop\": [\"" + escape(stop) + "\"]");
        assertEquals(whole.substring(0, whole.indexOf(stop)), text(body));
        assertEquals("stop", choice(body, 0).getString("finish_reason"));
        assertEquals(stop, choice(body, 0).getString("stop_reason"));
    }

    @Test
    void includeStopStrInOutputKeepsTheStopString(TestClient client) {
        String whole = greedy(client, 16);
        String stop = whole.substring(5, 7);
        JsonObject body = complete(client, "\"max_tokens\": 16, \"temperature\": 0, \"stop\": \"" + escape(stop)
                + "\", \"include_stop_str_in_output\": true");
        assertEquals(whole.substring(0, whole.indexOf(stop) + stop.length()), text(body));
    }

    @Test
    void aStopTokenIdEndsTheChoiceWithItAsStopReason(TestClient client) {
        JsonObject body = complete(client, "\"max_tokens\": 8, \"temperature\": 0, \"logit_bias\": {\"" + z + "\": 100}, "
                + "\"stop_token_ids\": [" + z + "]");
        assertEquals("stop", choice(body, 0).getString("finish_reason"));
        assertEquals(z, choice(body, 0).getInt("stop_reason"));
        assertEquals(1, body.getJsonObject("usage").getInt("completion_tokens"));
    }

    @Test
    void eosEndsTheChoiceWithoutStopReason(TestClient client) {
        JsonObject body = complete(client, "\"max_tokens\": 8, \"temperature\": 0, \"logit_bias\": {\"" + EOS + "\": 100}");
        assertEquals("stop", choice(body, 0).getString("finish_reason"));
        assertEquals(JsonValue.NULL, choice(body, 0).get("stop_reason"));
        assertEquals("", text(body), "EOS is a special token: no text");
    }

    @Test
    void ignoreEosGeneratesUntilMaxTokens(TestClient client) {
        JsonObject body = complete(client, "\"max_tokens\": 5, \"temperature\": 0, \"logit_bias\": {\"" + EOS + "\": 100}, "
                + "\"ignore_eos\": true");
        assertEquals("length", choice(body, 0).getString("finish_reason"));
        assertEquals(5, body.getJsonObject("usage").getInt("completion_tokens"));
    }

    @Test
    void minTokensHoldsEosBack(TestClient client) {
        JsonObject body = complete(client, "\"max_tokens\": 8, \"temperature\": 0, \"logit_bias\": {\"" + EOS + "\": 100}, "
                + "\"min_tokens\": 4");
        assertEquals("stop", choice(body, 0).getString("finish_reason"));
        assertEquals(5, body.getJsonObject("usage").getInt("completion_tokens"), "four tokens, then EOS");
    }

    @Test
    void nGivesNChoicesNumberedFromZero(TestClient client) {
        JsonObject body = complete(client, "\"max_tokens\": 4, \"n\": 3, \"seed\": 1, \"ignore_eos\": true");
        JsonArray choices = body.getJsonArray("choices");
        assertEquals(3, choices.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, choices.getJsonObject(i).getInt("index"));
        }
        assertEquals(12, body.getJsonObject("usage").getInt("completion_tokens"));
    }

    @Test
    void severalPromptsNumberTheirChoicesPromptIndexTimesNPlusI(TestClient client) {
        TestClient.Reply reply = client.post("/v1/completions",
                "{\"prompt\": [\"Hello\", [72, 105], \"你好\"], \"max_tokens\": 2, \"n\": 2, \"seed\": 3}");
        assertEquals(200, reply.status(), reply.body());
        JsonArray choices = reply.json().getJsonArray("choices");
        assertEquals(6, choices.size());
        for (int i = 0; i < 6; i++) {
            assertEquals(i, choices.getJsonObject(i).getInt("index"));
        }
        int promptTokens = tokenizer.encode("Hello", true).length + 2 + tokenizer.encode("你好", true).length;
        assertEquals(promptTokens, reply.json().getJsonObject("usage").getInt("prompt_tokens"));
    }

    @Test
    void aTokenIdPromptIsUsedAsItIs(TestClient client) {
        int[] ids = tokenizer.encode("The quick brown fox", true);
        StringBuilder list = new StringBuilder();
        for (int id : ids) {
            list.append(list.isEmpty() ? "" : ",").append(id);
        }
        TestClient.Reply reply = client.post("/v1/completions", "{\"prompt\": [" + list + "], \"max_tokens\": 10, \"temperature\": 0}");
        assertEquals(greedy(client, 10), text(reply.json()));
        assertEquals(ids.length, reply.json().getJsonObject("usage").getInt("prompt_tokens"));
    }

    @Test
    void bestOfReturnsNChoicesAndCountsTheirTokens(TestClient client) {
        JsonObject body = complete(client, "\"max_tokens\": 4, \"n\": 2, \"best_of\": 4, \"seed\": 9, \"ignore_eos\": true");
        assertEquals(2, body.getJsonArray("choices").size());
        assertEquals(8, body.getJsonObject("usage").getInt("completion_tokens"));
    }

    @Test
    void bestOfKeepsTheChoicesWithTheHighestCumulativeLogprob(TestClient client) {
        String fields = "\"max_tokens\": 6, \"temperature\": 1.0, \"seed\": 21, \"logprobs\": 0";
        JsonObject all = complete(client, fields + ", \"n\": 4");
        List<Double> cumulative = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            double sum = 0;
            for (JsonValue v : choice(all, i).getJsonObject("logprobs").getJsonArray("token_logprobs")) {
                sum += ((jakarta.json.JsonNumber) v).doubleValue();
            }
            cumulative.add(sum);
        }
        JsonObject best = complete(client, fields + ", \"n\": 1, \"best_of\": 4");
        int winner = cumulative.indexOf(cumulative.stream().max(Double::compare).orElseThrow());
        assertEquals(text(choice(all, winner)), text(best), "the same seed draws the same four candidates");
    }

    private static String text(JsonObject choiceOrBody) {
        return choiceOrBody.containsKey("choices") ? choice(choiceOrBody, 0).getString("text") : choiceOrBody.getString("text");
    }

    @Test
    void completionLogprobsListEveryTokenWithItsAlternatives(TestClient client) {
        JsonObject body = complete(client, "\"max_tokens\": 5, \"temperature\": 0, \"logprobs\": 3");
        JsonObject logprobs = choice(body, 0).getJsonObject("logprobs");
        List<String> tokens = logprobs.getJsonArray("tokens").getValuesAs(jakarta.json.JsonString::getString);
        assertEquals(5, tokens.size());
        assertEquals(String.join("", tokens), text(body));
        int offset = 0;
        for (int i = 0; i < 5; i++) {
            assertEquals(offset, logprobs.getJsonArray("text_offset").getInt(i));
            offset += tokens.get(i).length();
            JsonObject top = logprobs.getJsonArray("top_logprobs").getJsonObject(i);
            // keyed by token text: byte tokens that are part of a character all read "\uFFFD" and share a key
            assertTrue(top.size() >= 1 && top.size() <= 4, "3 alternatives plus the sampled token: " + top.size());
            assertTrue(top.containsKey(tokens.get(i)), "the sampled token is listed");
            double chosen = logprobs.getJsonArray("token_logprobs").getJsonNumber(i).doubleValue();
            assertTrue(chosen <= 0);
            assertEquals(top.values().stream().mapToDouble(v -> ((jakarta.json.JsonNumber) v).doubleValue()).max().orElseThrow(),
                    chosen, 1e-5, "greedy picks the most likely token: its logprob is the top one");
        }
    }

    @Test
    void logprobsComeFromTheRawLogitsNotTheBiasedOnes(TestClient client) {
        double unbiased = choice(complete(client, "\"max_tokens\": 1, \"temperature\": 0, \"logprobs\": 0, "
                + "\"logit_bias\": {\"" + z + "\": 100}"), 0).getJsonObject("logprobs").getJsonArray("token_logprobs")
                .getJsonNumber(0).doubleValue();
        assertTrue(unbiased < -0.5, "z is chosen by the bias, but its raw logprob is low: " + unbiased);
    }

    @Test
    void echoWithMaxTokensZeroReturnsThePromptAndItsLogprobs(TestClient client) {
        TestClient.Reply reply = client.post("/v1/completions",
                "{\"prompt\": \"The quick brown fox\", \"echo\": true, \"max_tokens\": 0, \"logprobs\": 1}");
        assertEquals(200, reply.status(), reply.body());
        JsonObject choice = choice(reply.json(), 0);
        assertEquals("The quick brown fox", choice.getString("text"));
        JsonArray logprobs = choice.getJsonObject("logprobs").getJsonArray("token_logprobs");
        int promptTokens = tokenizer.encode("The quick brown fox", true).length;
        assertEquals(promptTokens, logprobs.size());
        assertEquals(JsonValue.NULL, logprobs.get(0), "nothing scores the first token");
        assertTrue(logprobs.getJsonNumber(1).doubleValue() < 0);
        assertEquals(0, reply.json().getJsonObject("usage").getInt("completion_tokens"));
    }

    @Test
    void promptLogprobsScoreThePromptsTokens(TestClient client) {
        JsonObject choice = choice(complete(client, "\"max_tokens\": 1, \"prompt_logprobs\": 2"), 0);
        JsonArray prompt = choice.getJsonArray("prompt_logprobs");
        assertEquals(tokenizer.encode("The quick brown fox", true).length, prompt.size());
        assertEquals(JsonValue.NULL, prompt.get(0));
        JsonObject second = prompt.getJsonObject(1);
        assertTrue(second.size() >= 2 && second.size() <= 3, "its own token plus two alternatives");
        JsonObject entry = second.getJsonObject(String.valueOf(tokenizer.encode("The quick brown fox", true)[1]));
        assertTrue(entry.getInt("rank") >= 1 && entry.containsKey("decoded_token") && entry.containsKey("logprob"));
    }

    @Test
    void chatLogprobsReportExactlyTopLogprobsAlternativesWithBytes(TestClient client) {
        TestClient.Reply reply = client.post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], "
                + "\"max_completion_tokens\": 4, \"logprobs\": true, \"top_logprobs\": 2, \"temperature\": 0}");
        JsonArray content = choice(reply.json(), 0).getJsonObject("logprobs").getJsonArray("content");
        assertEquals(4, content.size());
        for (JsonValue v : content) {
            JsonObject entry = v.asJsonObject();
            assertEquals(2, entry.getJsonArray("top_logprobs").size());
            assertFalse(entry.getJsonArray("bytes").isEmpty());
        }
        assertEquals(4, reply.json().getJsonObject("usage").getInt("completion_tokens"), "max_completion_tokens");
    }

    @Test
    void chatContentMayBeTextParts(TestClient client) {
        String asParts = "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"Hello\"}, "
                + "{\"type\": \"text\", \"text\": \"world\"}]}], \"max_tokens\": 1}";
        String asString = "{\"messages\": [{\"role\": \"user\", \"content\": \"Hello\\nworld\"}], \"max_tokens\": 1}";
        assertEquals(client.post("/v1/chat/completions", asString).json().getJsonObject("usage").getInt("prompt_tokens"),
                client.post("/v1/chat/completions", asParts).json().getJsonObject("usage").getInt("prompt_tokens"),
                "parts are joined with a newline, as vLLM does");
    }

    @Test
    void aRequestChatTemplateReplacesTheModels(TestClient client) {
        TestClient.Reply reply = client.post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}], "
                + "\"chat_template\": \"{% for m in messages %}{{ m.content }}{{ suffix }}{% endfor %}\", "
                + "\"chat_template_kwargs\": {\"suffix\": \"!\"}, \"max_tokens\": 1}");
        assertEquals(200, reply.status(), reply.body());
        assertEquals(tokenizer.encode("Hello!", false).length, reply.json().getJsonObject("usage").getInt("prompt_tokens"));
    }

    @Test
    void continueFinalMessageExtendsTheLastMessageInsteadOfOpeningATurn(TestClient client) {
        String messages = "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, {\"role\": \"assistant\", \"content\": \"Hel\"}]";
        int opened = client.post("/v1/chat/completions", "{" + messages + ", \"max_tokens\": 1}")
                .json().getJsonObject("usage").getInt("prompt_tokens");
        int continued = client.post("/v1/chat/completions", "{" + messages
                + ", \"max_tokens\": 1, \"add_generation_prompt\": false, \"continue_final_message\": true}")
                .json().getJsonObject("usage").getInt("prompt_tokens");
        assertTrue(continued < opened, "no end-of-sentence after the last message and no new assistant turn");
    }

    @Test
    void continuousUsageStatsPutUsageInEveryChunk(TestClient client) {
        TestClient.Reply reply = client.post("/v1/completions", "{\"prompt\": \"Hi\", \"max_tokens\": 3, \"stream\": true, "
                + "\"stream_options\": {\"include_usage\": true, \"continuous_usage_stats\": true}}");
        List<JsonObject> events = reply.events();
        int last = -1;
        for (JsonObject event : events) {
            int completion = event.getJsonObject("usage").getInt("completion_tokens");
            assertTrue(completion >= last, "usage only grows");
            last = completion;
        }
        assertEquals(3, last);
    }

    private static String escape(String text) {
        return text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    @Test
    void theOpenAiSdkSendsTheSameFieldsAndGetsTheSameAnswer(TestClient client) {
        Completion sdk = client.openai().completions().create(CompletionCreateParams.builder()
                .model("DeepSeek-R1-Distill-Qwen-32B").prompt("The quick brown fox").maxTokens(10).temperature(0.0)
                .presencePenalty(0.5).frequencyPenalty(0.5).stop("zz").n(1).build());
        JsonObject raw = complete(client, "\"max_tokens\": 10, \"temperature\": 0, \"presence_penalty\": 0.5, "
                + "\"frequency_penalty\": 0.5, \"stop\": \"zz\"");
        assertEquals(text(raw), sdk.choices().get(0).text());
    }
}
