package dev.vela.adapters.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.rest.http.ClientDeparture;
import dev.vela.application.port.in.CompletionCommand;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.application.port.in.TokenLogprob;
import dev.vela.domain.generation.FinishReason;
import dev.vela.domain.prompt.Prompt;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/completions} against a completion use case that plays scripted events: the
 * request it hands on, and the bytes a client receives, whole or streamed, with echo, logprobs
 * and several prompts.
 */
class CompletionsResourceTest {

    private final List<CompletionCommand> commands = new ArrayList<>();
    private ScriptedGeneration generation;

    private WireReply post(String fields, List<Generation.PromptTokens> prompts, int choices, GenerationEvent... events) {
        generation = new ScriptedGeneration(prompts, choices, events);
        CompletionsResource resource = new CompletionsResource(command -> {
            commands.add(command);
            return generation;
        }, ServedModel.LIST, new StreamWriteTimeout(30), ClientDeparture.UNWATCHED);
        return WireReply.of(resource.create("{" + fields + "}"));
    }

    /** A request for the prompt "Hi" (ids 1, 2). */
    private WireReply post(String fields, GenerationEvent... events) {
        return post("\"prompt\": \"Hi\", " + fields, List.of(HI), 1, events);
    }

    private static final Generation.PromptTokens HI = new Generation.PromptTokens("Hi", new int[] {1, 2});

    private static GenerationEvent.Delta delta(int choice, String text, int... ids) {
        return new GenerationEvent.Delta(choice, text, ids, List.of());
    }

    private static GenerationEvent.Delta delta(int choice, TokenLogprob... tokens) {
        StringBuilder text = new StringBuilder();
        int[] ids = new int[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            text.append(tokens[i].token());
            ids[i] = tokens[i].tokenId();
        }
        return new GenerationEvent.Delta(choice, text.toString(), ids, List.of(tokens));
    }

    private static GenerationEvent.Finished finished(int choice, FinishReason reason, Object stopReason) {
        return new GenerationEvent.Finished(choice, reason, stopReason, 2, -1.5);
    }

    private static TokenLogprob token(int id, String text, float logprob, TokenLogprob.Candidate... top) {
        return new TokenLogprob(id, text, bytes(text), logprob, 1, List.of(top));
    }

    private static TokenLogprob.Candidate candidate(int id, String text, float logprob, int rank) {
        return new TokenLogprob.Candidate(id, text, bytes(text), logprob, rank);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The prompt "Hi" scored: nothing predicts its first token. */
    private static GenerationEvent.PromptLogprobs promptLogprobs(int choice) {
        return new GenerationEvent.PromptLogprobs(choice, List.of(TokenLogprob.unscored(1, "H", bytes("H")),
                new TokenLogprob(2, "i", bytes("i"), -3.0f, 4, List.of(candidate(9, "e", -0.5f, 1)))));
    }

    private static final String CHUNK = "{\"id\":\"cmpl-ID\",\"object\":\"text_completion\",\"created\":0,"
            + "\"model\":\"served-model\",\"choices\":[";

    // --- whole answers

    @Test
    void aWholeAnswerIsOneTextCompletionObjectNamingTheServedModel() {
        WireReply reply = post("\"max_tokens\": 2", delta(0, " the", 5), delta(0, "re", 6), finished(0, FinishReason.LENGTH, null));
        assertEquals(200, reply.status());
        assertEquals("application/json", reply.mediaType());
        assertEquals(CHUNK + "{\"index\":0,\"text\":\" there\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null,"
                + "\"prompt_logprobs\":null}],\"usage\":{\"prompt_tokens\":2,\"total_tokens\":4,\"completion_tokens\":2},"
                + "\"system_fingerprint\":null}", reply.stable());
    }

    @Test
    void severalPromptsNumberTheirChoicesPromptIndexTimesNPlusI() {
        Generation.PromptTokens second = new Generation.PromptTokens("Yo", new int[] {3, 4, 5});
        String body = post("\"prompt\": [\"Hi\", \"Yo\"], \"n\": 2, \"max_tokens\": 1", List.of(HI, second), 2,
                delta(3, "d", 13), delta(0, "a", 10), delta(2, "c", 12), delta(1, "b", 11),
                finished(0, FinishReason.LENGTH, null), finished(1, FinishReason.STOP, 11), finished(2, FinishReason.STOP, "c"),
                finished(3, FinishReason.LENGTH, null)).stable();
        assertEquals(CHUNK
                + "{\"index\":0,\"text\":\"a\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null,\"prompt_logprobs\":null},"
                + "{\"index\":1,\"text\":\"b\",\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason\":11,\"prompt_logprobs\":null},"
                + "{\"index\":2,\"text\":\"c\",\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason\":\"c\",\"prompt_logprobs\":null},"
                + "{\"index\":3,\"text\":\"d\",\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null,\"prompt_logprobs\":null}],"
                + "\"usage\":{\"prompt_tokens\":5,\"total_tokens\":9,\"completion_tokens\":4},\"system_fingerprint\":null}", body);
    }

    @Test
    void logprobsListOffsetsValuesTokensAndTheAlternativesPlusTheSampledToken() {
        String body = post("\"max_tokens\": 2, \"logprobs\": 1",
                delta(0, token(5, " the", -0.5f, candidate(7, " a", -0.25f, 1))),
                delta(0, token(6, "re", -1.0f, candidate(6, "re", -1.0f, 1))), finished(0, FinishReason.LENGTH, null)).stable();
        assertTrue(body.contains("\"text\":\" there\",\"logprobs\":{\"text_offset\":[0,4],\"token_logprobs\":[-0.5,-1.0],"
                + "\"tokens\":[\" the\",\"re\"],\"top_logprobs\":[{\" a\":-0.25,\" the\":-0.5},{\"re\":-1.0}]},"), body);
    }

    @Test
    void echoPutsThePromptAndItsLogprobsBeforeTheCompletion() {
        String body = post("\"max_tokens\": 1, \"echo\": true, \"logprobs\": 0", promptLogprobs(0),
                delta(0, token(5, "!", -0.75f)), finished(0, FinishReason.LENGTH, null)).stable();
        assertTrue(body.contains("{\"index\":0,\"text\":\"Hi!\",\"logprobs\":{\"text_offset\":[0,1,2],"
                + "\"token_logprobs\":[null,-3.0,-0.75],\"tokens\":[\"H\",\"i\",\"!\"],"
                + "\"top_logprobs\":[null,{\"e\":-0.5,\"i\":-3.0},{\"!\":-0.75}]},"), body);
    }

    @Test
    void echoWithMaxTokensZeroAnswersThePromptAloneAndCountsNoCompletionTokens() {
        String body = post("\"max_tokens\": 0, \"echo\": true, \"logprobs\": 0", promptLogprobs(0),
                delta(0, token(5, "!", -0.75f)), finished(0, FinishReason.LENGTH, null)).stable();
        assertTrue(body.contains("\"text\":\"Hi\",\"logprobs\":{\"text_offset\":[0,1],\"token_logprobs\":[null,-3.0],"
                + "\"tokens\":[\"H\",\"i\"],\"top_logprobs\":[null,{\"e\":-0.5,\"i\":-3.0}]},"), body);
        assertTrue(body.contains("\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2,\"completion_tokens\":0}"), body);
        assertEquals(1, commands.getFirst().sampling().maxTokens(), "one token is generated and thrown away");
    }

    @Test
    void promptLogprobsAreReportedOnEachChoiceOfTheirPrompt() {
        String body = post("\"max_tokens\": 1, \"prompt_logprobs\": 1", promptLogprobs(0), delta(0, "a", 5),
                finished(0, FinishReason.LENGTH, null)).stable();
        assertTrue(body.contains("\"prompt_logprobs\":[null,{\"2\":{\"logprob\":-3.0,\"rank\":4,\"decoded_token\":\"i\"},"
                + "\"9\":{\"logprob\":-0.5,\"rank\":1,\"decoded_token\":\"e\"}}]}]"), body);
    }

    // --- streams

    @Test
    void aStreamSendsOneChunkPerDeltaAndTheFinishThenDone() {
        WireReply reply = post("\"max_tokens\": 2, \"stream\": true", delta(0, " the", 5), delta(0, "re", 6),
                finished(0, FinishReason.STOP, 9));
        assertEquals("text/event-stream", reply.mediaType());
        assertEquals("data: " + CHUNK + "{\"index\":0,\"text\":\" the\",\"logprobs\":null,\"finish_reason\":null,"
                + "\"stop_reason\":null,\"prompt_logprobs\":null}],\"usage\":null,\"system_fingerprint\":null}\n\n"
                + "data: " + CHUNK + "{\"index\":0,\"text\":\"re\",\"logprobs\":null,\"finish_reason\":null,"
                + "\"stop_reason\":null,\"prompt_logprobs\":null}],\"usage\":null,\"system_fingerprint\":null}\n\n"
                + "data: " + CHUNK + "{\"index\":0,\"text\":\"\",\"logprobs\":null,\"finish_reason\":\"stop\","
                + "\"stop_reason\":9,\"prompt_logprobs\":null}],\"usage\":null,\"system_fingerprint\":null}\n\n"
                + "data: [DONE]\n\n", reply.stable());
    }

    @Test
    void aDeltaWithNoTextAndNoLogprobsSendsNoChunk() {
        List<String> events = post("\"stream\": true", delta(0, "", 5), delta(0, "a", 6), finished(0, FinishReason.LENGTH, null))
                .events();
        assertEquals(3, events.size(), "a, finish, [DONE]: " + events);
    }

    @Test
    void streamedChoicesOfNInterleaveOnePerChunk() {
        List<String> events = post("\"prompt\": \"Hi\", \"n\": 2, \"stream\": true", List.of(HI), 2, delta(1, "b", 6),
                delta(0, "a", 5), finished(1, FinishReason.LENGTH, null), finished(0, FinishReason.LENGTH, null)).events();
        assertEquals(5, events.size());
        assertTrue(events.get(0).contains("\"choices\":[{\"index\":1,\"text\":\"b\""), events.get(0));
        assertTrue(events.get(1).contains("\"choices\":[{\"index\":0,\"text\":\"a\""), events.get(1));
        assertTrue(events.get(2).contains("\"choices\":[{\"index\":1,\"text\":\"\",\"logprobs\":null,\"finish_reason\":\"length\""));
        assertTrue(events.get(3).contains("\"choices\":[{\"index\":0,\"text\":\"\",\"logprobs\":null,\"finish_reason\":\"length\""));
    }

    @Test
    void aStreamedEchoStartsEachChoicesFirstChunkWithItsPromptAndOffsetsContinue() {
        List<String> events = post("\"max_tokens\": 2, \"echo\": true, \"logprobs\": 0, \"stream\": true",
                delta(0, token(5, "!", -0.75f)), delta(0, token(6, "?", -0.5f)), finished(0, FinishReason.LENGTH, null)).events();
        assertTrue(events.get(0).contains("\"text\":\"Hi!\",\"logprobs\":{\"text_offset\":[0],\"token_logprobs\":[-0.75],"
                + "\"tokens\":[\"!\"],\"top_logprobs\":[{\"!\":-0.75}]}"), events.get(0));
        assertTrue(events.get(1).contains("\"text\":\"?\",\"logprobs\":{\"text_offset\":[3],\"token_logprobs\":[-0.5],"
                + "\"tokens\":[\"?\"],\"top_logprobs\":[{\"?\":-0.5}]}"), events.get(1));
    }

    @Test
    void includeUsageAddsALastChunkWithTheUsageAndNoChoices() {
        List<String> events = post("\"stream\": true, \"stream_options\": {\"include_usage\": true}", delta(0, "a", 5),
                finished(0, FinishReason.LENGTH, null)).events();
        assertEquals(4, events.size());
        assertTrue(events.get(1).contains("\"usage\":null"), events.get(1));
        assertEquals(CHUNK + "],\"usage\":{\"prompt_tokens\":2,\"total_tokens\":3,\"completion_tokens\":1},"
                + "\"system_fingerprint\":null}", WireReply.stable(events.get(2)));
    }

    @Test
    void continuousUsageStatsPutTheUsageSoFarInEveryChunk() {
        List<String> events = post("\"stream\": true, \"stream_options\": {\"include_usage\": true, \"continuous_usage_stats\": true}",
                delta(0, "a", 5), delta(0, "b", 6), finished(0, FinishReason.LENGTH, null)).events();
        assertTrue(events.get(0).contains("\"usage\":{\"prompt_tokens\":2,\"total_tokens\":3,\"completion_tokens\":1}"));
        assertTrue(events.get(1).contains("\"usage\":{\"prompt_tokens\":2,\"total_tokens\":4,\"completion_tokens\":2}"));
        assertTrue(events.get(2).contains("\"usage\":{\"prompt_tokens\":2,\"total_tokens\":4,\"completion_tokens\":2}"));
        assertTrue(events.get(3).contains("\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"total_tokens\":4,\"completion_tokens\":2}"));
        assertEquals(5, events.size());
    }

    @Test
    void bestOfOtherThanNIsNotStreamedButSentWholeAsOneEvent() {
        WireReply reply = post("\"n\": 1, \"best_of\": 2, \"stream\": true", delta(0, "a", 5), finished(0, FinishReason.LENGTH, null));
        assertEquals("text/event-stream", reply.mediaType());
        assertEquals("data: " + CHUNK + "{\"index\":0,\"text\":\"a\",\"logprobs\":null,\"finish_reason\":\"length\","
                + "\"stop_reason\":null,\"prompt_logprobs\":null}],\"usage\":{\"prompt_tokens\":2,\"total_tokens\":3,"
                + "\"completion_tokens\":1},\"system_fingerprint\":null}\n\ndata: [DONE]\n\n", reply.stable());
    }

    @Test
    void aFailureMidStreamIsSentAsAnErrorEventWithoutUsageThenDone() {
        List<String> events = post("\"stream\": true, \"stream_options\": {\"include_usage\": true}", delta(0, "a", 5),
                new GenerationEvent.Failed(0, new IllegalStateException("NaN logits"))).events();
        assertEquals(List.of("{\"error\":{\"message\":\"NaN logits\",\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}",
                "[DONE]"), events.subList(1, events.size()));
        assertTrue(generation.cancelled());
    }

    // --- what the use case is asked

    @Test
    void everyPromptFormReachesTheUseCase() {
        post("\"prompt\": [[1, 2], \"Yo\"]", List.of(HI, HI), 1, finished(0, FinishReason.LENGTH, null));
        post("\"prompt\": [7, 8]", List.of(HI), 1, finished(0, FinishReason.LENGTH, null));
        assertEquals(List.of(Prompt.tokens(new int[] {1, 2}), Prompt.text("Yo")), commands.get(0).prompts());
        assertEquals(List.of(Prompt.tokens(new int[] {7, 8})), commands.get(1).prompts());
    }

    @Test
    void echoWithLogprobsAsksForThePromptsLogprobsToo() {
        post("\"echo\": true, \"logprobs\": 2", finished(0, FinishReason.LENGTH, null));
        assertEquals(2, commands.getFirst().sampling().promptLogprobs());
        assertTrue(commands.getFirst().echo());
    }

    @Test
    void anInvalidRequestNeverReachesTheUseCase() {
        WireReply reply = WireReply.ofError(assertThrows(RuntimeException.class,
                () -> post("\"temperature\": 5", finished(0, FinishReason.LENGTH, null))));
        assertEquals(400, reply.status());
        assertEquals("{\"error\":{\"message\":\"temperature must be in [0, 2], got 5.0.\",\"type\":\"BadRequestError\","
                + "\"param\":\"temperature\",\"code\":400}}", reply.body());
        assertTrue(commands.isEmpty(), "the engine is not asked");
    }
}
