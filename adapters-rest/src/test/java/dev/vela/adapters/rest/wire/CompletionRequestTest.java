package dev.vela.adapters.rest.wire;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.prompt.Prompt;
import jakarta.json.Json;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The completions, tokenize and detokenize bodies: each field of the wrong type is a 400 naming it. */
class CompletionRequestTest {

    private static RequestJson json(String fields, String model) {
        return new RequestJson(Json.createReader(new StringReader("{" + fields + "}")).readObject(), model);
    }

    private static void assertEachRefusedNamingItsField(Map<String, String> wrong, Function<String, ?> read) {
        Executable[] checks = wrong.entrySet().stream().map(field -> (Executable) () -> {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> read.apply(field.getValue()));
            assertEquals(field.getKey(), e.param(), e.getMessage());
        }).toArray(Executable[]::new);
        assertAll(checks);
    }

    @Test
    void everyCompletionFieldOfTheWrongTypeIsRefusedNamingIt() {
        Map<String, String> wrong = new LinkedHashMap<>();
        wrong.put("prompt", "\"prompt\": 5");
        wrong.put("prompt.1", "\"prompt\": [\"a\", 5]");
        wrong.put("prompt.0.0", "\"prompt\": [[[1]]]");
        wrong.put("echo", "\"prompt\": \"Hi\", \"echo\": \"yes\"");
        wrong.put("logprobs", "\"prompt\": \"Hi\", \"logprobs\": true");
        wrong.put("suffix", "\"prompt\": \"Hi\", \"suffix\": 5");
        wrong.put("response_format", "\"prompt\": \"Hi\", \"response_format\": [\"text\"]");
        wrong.put("response_format.type", "\"prompt\": \"Hi\", \"response_format\": {\"type\": 1}");
        wrong.put("stream_options.include_usage",
                "\"prompt\": \"Hi\", \"stream\": true, \"stream_options\": {\"include_usage\": \"yes\"}");
        wrong.put("stream_options", "\"prompt\": \"Hi\", \"stream\": true, \"stream_options\": true");
        assertEachRefusedNamingItsField(wrong, fields -> CompletionRequest.read(json(fields, "CompletionRequest")));
    }

    @Test
    void aTokenIdPastTheIntegersIsOutOfVocabularyAndShownShort() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> CompletionRequest.read(json("\"prompt\": [18446744073709551621]", "CompletionRequest")));
        assertEquals("prompt", e.param());
        assertEquals("Token id 18446744073709551621 is out of vocabulary", e.getMessage());
    }

    @Test
    void everyTokenizeFieldOfTheWrongTypeIsRefusedNamingIt() {
        Map<String, String> wrong = new LinkedHashMap<>();
        wrong.put("prompt", "\"prompt\": [1, 2]");
        wrong.put("add_special_tokens", "\"prompt\": \"Hi\", \"add_special_tokens\": \"no\"");
        wrong.put("return_token_strs", "\"prompt\": \"Hi\", \"return_token_strs\": 1");
        wrong.put("messages.0.role", "\"messages\": [{\"role\": \"\"}]");
        wrong.put("tools", "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"tools\": \"f\"");
        assertEachRefusedNamingItsField(wrong, fields -> TokenizeRequests.read(json(fields, "TokenizeRequest")));
    }

    @Test
    void everyDetokenizeFieldOfTheWrongTypeIsRefusedNamingIt() {
        Map<String, String> wrong = new LinkedHashMap<>();
        wrong.put("tokens", "\"tokens\": \"1 2\"");
        wrong.put("tokens.1", "\"tokens\": [1, [2]]");
        wrong.put("tokens.0", "\"tokens\": [1e400]");
        wrong.put("model", "\"tokens\": [1], \"model\": [\"m\"]");
        assertEachRefusedNamingItsField(wrong, fields -> DetokenizeRequest.read(json(fields, "DetokenizeRequest")));
    }

    private static CompletionRequest completion(String fields) {
        return CompletionRequest.read(json(fields, "CompletionRequest"));
    }

    @Test
    void eachPromptFormBecomesItsPrompts() {
        assertEquals(List.of(Prompt.text("Hi")), completion("\"prompt\": \"Hi\"").prompts());
        assertEquals(List.of(Prompt.text("a"), Prompt.text("b")), completion("\"prompt\": [\"a\", \"b\"]").prompts());
        assertEquals(List.of(Prompt.tokens(new int[] {1, 2})), completion("\"prompt\": [1, 2]").prompts());
        assertEquals(List.of(Prompt.tokens(new int[] {1}), Prompt.text("b")), completion("\"prompt\": [[1], \"b\"]").prompts());
    }

    @Test
    void anEmptyOrMissingPromptIsRefusedAsVllmRefusesIt() {
        InvalidRequestException empty = assertThrows(InvalidRequestException.class, () -> completion("\"prompt\": []"));
        assertEquals("The decoder prompt cannot be empty", empty.getMessage());
        InvalidRequestException missing = assertThrows(InvalidRequestException.class, () -> completion("\"prompt\": null"));
        assertEquals("At least one of `prompt` or `prompt_embeds` must be set.", missing.getMessage());
        assertEquals("prompt", missing.param());
    }

    @Test
    void aNegativeTokenIdIsOutOfVocabulary() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> completion("\"prompt\": [1, -2]"));
        assertEquals("Token id -2 is out of vocabulary", e.getMessage());
    }

    @Test
    void echoWithMaxTokensZeroAsksForOneTokenAndThePromptsLogprobs() {
        CompletionRequest request = completion("\"prompt\": \"Hi\", \"echo\": true, \"max_tokens\": 0, \"logprobs\": 1");
        assertTrue(request.echoOnly());
        assertEquals(1, request.toCommand().sampling().maxTokens());
        assertEquals(1, request.toCommand().sampling().promptLogprobs());
    }

    @Test
    void promptLogprobsOfMinusOneMeanTheWholeVocabularyAndAreAccepted() {
        assertEquals(-1, completion("\"prompt\": \"Hi\", \"prompt_logprobs\": -1").promptLogprobs());
    }

    @Test
    void streamOptionsDefaultToUsageAtTheEnd() {
        StreamOptions options = completion("\"prompt\": \"Hi\", \"stream\": true, \"stream_options\": {}").streamOptions();
        assertTrue(options.includeUsage());
        assertFalse(options.continuousUsageStats());
    }
}
