package dev.vela.adapters.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.rest.http.ClientDeparture;
import dev.vela.application.port.in.ChatCommand;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.application.port.in.TokenLogprob;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.error.NotFoundException;
import dev.vela.domain.generation.FinishReason;
import dev.vela.domain.reasoning.ReasoningSplit;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /v1/chat/completions} against a chat use case that plays scripted events: the
 * request it hands on, and the bytes a client receives, whole or streamed.
 */
class ChatCompletionsResourceTest {

    private static final String HI = "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]";
    private static final int[] PROMPT = {1, 2, 3};

    private final List<ChatCommand> commands = new ArrayList<>();
    private ScriptedGeneration generation;

    private WireReply post(String fields, int choices, GenerationEvent... events) {
        generation = new ScriptedGeneration(List.of(new Generation.PromptTokens("Hi", PROMPT)), choices, events);
        ChatCompletionsResource resource = new ChatCompletionsResource(command -> {
            commands.add(command);
            return generation;
        }, ServedModel.LIST, new StreamWriteTimeout(30), ClientDeparture.UNWATCHED);
        return WireReply.of(resource.create("{" + fields + "}"));
    }

    private WireReply post(String fields, GenerationEvent... events) {
        return post(fields, 1, events);
    }

    /** The response Jersey sends when the request fails before anything is answered. */
    private WireReply failed(String fields, GenerationEvent... events) {
        RuntimeException error = assertThrows(RuntimeException.class, () -> post(fields, events));
        return WireReply.ofError(error);
    }

    private static GenerationEvent.Delta delta(int choice, String text, int... ids) {
        return new GenerationEvent.Delta(choice, text, ids, List.of());
    }

    private static GenerationEvent.Finished finished(int choice, FinishReason reason, Object stopReason) {
        return new GenerationEvent.Finished(choice, reason, stopReason, 2, -1.5);
    }

    private static TokenLogprob scored(int id, String token, float logprob, TokenLogprob.Candidate... top) {
        return new TokenLogprob(id, token, token.getBytes(StandardCharsets.UTF_8), logprob, 1, List.of(top));
    }

    private static TokenLogprob.Candidate candidate(int id, String token, float logprob, int rank) {
        return new TokenLogprob.Candidate(id, token, token.getBytes(StandardCharsets.UTF_8), logprob, rank);
    }

    private static final String CHUNK = "{\"id\":\"chatcmpl-ID\",\"object\":\"chat.completion.chunk\",\"created\":0,"
            + "\"model\":\"served-model\",\"choices\":[";

    // --- whole answers

    @Test
    void aWholeAnswerIsOneChatCompletionObjectNamingTheServedModel() {
        WireReply reply = post(HI + ", \"model\": \"\"", delta(0, "Hel", 5), delta(0, "lo", 6),
                finished(0, FinishReason.LENGTH, null));
        assertEquals(200, reply.status());
        assertEquals("application/json", reply.mediaType());
        assertEquals("{\"id\":\"chatcmpl-ID\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"served-model\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello\",\"reasoning_content\":null,"
                + "\"tool_calls\":[]},\"logprobs\":null,\"finish_reason\":\"length\",\"stop_reason\":null}],"
                + "\"usage\":{\"prompt_tokens\":3,\"total_tokens\":5,\"completion_tokens\":2},\"prompt_logprobs\":null}",
                reply.stable());
    }

    @Test
    void choicesOfNAreGatheredFromInterleavedEventsInIndexOrderEachWithItsStopReason() {
        WireReply reply = post(HI + ", \"n\": 2", 2, delta(1, "b", 8), delta(0, "a", 7), delta(1, "c", 9),
                finished(1, FinishReason.STOP, 42), delta(0, "!", 10), finished(0, FinishReason.STOP, "!!"));
        assertEquals("{\"id\":\"chatcmpl-ID\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"served-model\",\"choices\":["
                + "{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"a!\",\"reasoning_content\":null,\"tool_calls\":[]},"
                + "\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason\":\"!!\"},"
                + "{\"index\":1,\"message\":{\"role\":\"assistant\",\"content\":\"bc\",\"reasoning_content\":null,\"tool_calls\":[]},"
                + "\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason\":42}],"
                + "\"usage\":{\"prompt_tokens\":3,\"total_tokens\":7,\"completion_tokens\":4},\"prompt_logprobs\":null}",
                reply.stable());
    }

    @Test
    void theWholeAnswersReasoningSplitFillsReasoningContentAndContent() {
        String body = post(HI, delta(0, "1</think>2", 5, 6, 7),
                finished(0, FinishReason.STOP, null).withReasoning(new ReasoningSplit("1", "2"))).stable();
        assertTrue(body.contains("\"message\":{\"role\":\"assistant\",\"content\":\"2\",\"reasoning_content\":\"1\","
                + "\"tool_calls\":[]}"), body);
    }

    @Test
    void anAnswerThatIsOnlyTheEndOfThinkingHasEmptyReasoningAndNullContent() {
        String body = post(HI, delta(0, "</think>", 5),
                finished(0, FinishReason.LENGTH, null).withReasoning(new ReasoningSplit("", null))).stable();
        assertTrue(body.contains("\"message\":{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"\","
                + "\"tool_calls\":[]}"), body);
    }

    @Test
    void logprobsListEachTokenWithItsBytesAndTheRequestedAlternatives() {
        TokenLogprob hel = scored(5, "Hel", -0.5f, candidate(5, "Hel", -0.5f, 1));
        TokenLogprob lo = scored(6, "é", -1.25f, candidate(9, "x", -0.25f, 1));
        String body = post(HI + ", \"logprobs\": true, \"top_logprobs\": 1",
                new GenerationEvent.Delta(0, "Hel", new int[] {5}, List.of(hel)),
                new GenerationEvent.Delta(0, "é", new int[] {6}, List.of(lo)), finished(0, FinishReason.LENGTH, null)).stable();
        assertTrue(body.contains("\"logprobs\":{\"content\":["
                + "{\"token\":\"Hel\",\"logprob\":-0.5,\"bytes\":[72,101,108],\"top_logprobs\":[{\"token\":\"Hel\",\"logprob\":-0.5,\"bytes\":[72,101,108]}]},"
                + "{\"token\":\"é\",\"logprob\":-1.25,\"bytes\":[195,169],\"top_logprobs\":[{\"token\":\"x\",\"logprob\":-0.25,\"bytes\":[120]}]}"
                + "]},\"finish_reason\""), body);
    }

    @Test
    void withoutLogprobsAskedForTheChoiceSaysLogprobsNull() {
        TokenLogprob hel = scored(5, "Hel", -0.5f);
        String body = post(HI, new GenerationEvent.Delta(0, "Hel", new int[] {5}, List.of(hel)),
                finished(0, FinishReason.LENGTH, null)).stable();
        assertTrue(body.contains("\"logprobs\":null,\"finish_reason\":\"length\""), body);
    }

    @Test
    void promptLogprobsMapEachPositionsTokenIdsToLogprobRankAndText() {
        List<TokenLogprob> prompt = List.of(TokenLogprob.unscored(1, "Hi", "Hi".getBytes(StandardCharsets.UTF_8)),
                new TokenLogprob(2, "!", "!".getBytes(StandardCharsets.UTF_8), -2.5f, 3, List.of(candidate(4, "?", -0.5f, 1))));
        String body = post(HI + ", \"prompt_logprobs\": 1", new GenerationEvent.PromptLogprobs(0, prompt), delta(0, "a", 5),
                finished(0, FinishReason.LENGTH, null)).stable();
        assertTrue(body.endsWith("\"prompt_logprobs\":[null,{\"2\":{\"logprob\":-2.5,\"rank\":3,\"decoded_token\":\"!\"},"
                + "\"4\":{\"logprob\":-0.5,\"rank\":1,\"decoded_token\":\"?\"}}]}"), body);
    }

    @Test
    void aFailureWhileAnsweringWholeIs500WithItsMessageAndCancelsTheRest() {
        WireReply reply = failed(HI, delta(0, "a", 5), new GenerationEvent.Failed(0, new IllegalStateException("NaN logits")));
        assertEquals(500, reply.status());
        assertEquals("{\"error\":{\"message\":\"generation failed: NaN logits\",\"type\":\"InternalServerError\","
                + "\"param\":null,\"code\":500}}", reply.body());
        assertTrue(generation.cancelled());
    }

    @Test
    void aClientErrorFoundWhileAnsweringWholeIs400NamingTheParameter() {
        WireReply reply = failed(HI, new GenerationEvent.Failed(0, new InvalidRequestException("prompt too long", "messages")));
        assertEquals(400, reply.status());
        assertEquals("{\"error\":{\"message\":\"prompt too long\",\"type\":\"BadRequestError\",\"param\":\"messages\",\"code\":400}}",
                reply.body());
    }

    // --- streams

    @Test
    void aStreamOpensWithTheRoleThenSendsEachDeltaAndTheFinishAndEndsWithDone() {
        WireReply reply = post(HI + ", \"stream\": true", delta(0, "Hel", 5), delta(0, "lo", 6),
                finished(0, FinishReason.STOP, "!"));
        assertEquals("text/event-stream", reply.mediaType());
        assertEquals("data: " + CHUNK + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
                + "\"finish_reason\":null}]}\n\n"
                + "data: " + CHUNK + "{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                + "data: " + CHUNK + "{\"index\":0,\"delta\":{\"content\":\"lo\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                + "data: " + CHUNK + "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\",\"stop_reason\":\"!\"}]}\n\n"
                + "data: [DONE]\n\n", reply.stable());
    }

    @Test
    void aStreamOfNChoicesOpensEachChoiceThenSendsOneChoicePerChunk() {
        List<String> events = post(HI + ", \"n\": 2, \"stream\": true", 2, delta(1, "b", 8), delta(0, "a", 7),
                finished(0, FinishReason.LENGTH, null), finished(1, FinishReason.LENGTH, null)).events();
        assertEquals(7, events.size());
        assertTrue(WireReply.stable(events.get(0)).startsWith(CHUNK + "{\"index\":0,\"delta\":{\"role\":\"assistant\""), events.get(0));
        assertTrue(WireReply.stable(events.get(1)).startsWith(CHUNK + "{\"index\":1,\"delta\":{\"role\":\"assistant\""), events.get(1));
        assertTrue(events.get(2).contains("\"choices\":[{\"index\":1,\"delta\":{\"content\":\"b\"}"), events.get(2));
        assertTrue(events.get(3).contains("\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}"), events.get(3));
        assertTrue(events.get(4).contains("\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"length\"}]"));
        assertTrue(events.get(5).contains("\"choices\":[{\"index\":1,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"length\"}]"));
    }

    @Test
    void aDeltaWithNothingToShowSendsNoChunk() {
        List<String> events = post(HI + ", \"stream\": true", delta(0, "", 5),
                new GenerationEvent.Delta(0, "</think>", new int[] {6}, List.of(), new ReasoningSplit(null, null)),
                delta(0, "a", 7), finished(0, FinishReason.LENGTH, null)).events();
        assertEquals(4, events.size(), "role, a, finish, [DONE]: " + events);
        assertTrue(events.get(1).contains("\"delta\":{\"content\":\"a\"}"), events.get(1));
    }

    @Test
    void streamedReasoningGoesInReasoningContentAndTheAnswerInContent() {
        List<String> events = post(HI + ", \"stream\": true",
                new GenerationEvent.Delta(0, "1", new int[] {5}, List.of(), new ReasoningSplit("1", null)),
                new GenerationEvent.Delta(0, "</think>2", new int[] {6, 7}, List.of(), new ReasoningSplit(null, "2")),
                finished(0, FinishReason.LENGTH, null)).events();
        assertTrue(events.get(1).contains("\"delta\":{\"reasoning_content\":\"1\"},"), events.get(1));
        assertTrue(events.get(2).contains("\"delta\":{\"content\":\"2\"},"), events.get(2));
    }

    @Test
    void streamedLogprobsTravelWithTheirDelta() {
        TokenLogprob hel = scored(5, "Hel", -0.5f, candidate(5, "Hel", -0.5f, 1));
        List<String> events = post(HI + ", \"stream\": true, \"logprobs\": true, \"top_logprobs\": 1",
                new GenerationEvent.Delta(0, "Hel", new int[] {5}, List.of(hel)), finished(0, FinishReason.LENGTH, null)).events();
        assertTrue(events.get(1).contains("\"delta\":{\"content\":\"Hel\"},\"logprobs\":{\"content\":[{\"token\":\"Hel\","
                + "\"logprob\":-0.5,\"bytes\":[72,101,108],\"top_logprobs\":[{\"token\":\"Hel\",\"logprob\":-0.5,\"bytes\":[72,101,108]}]}]},"
                + "\"finish_reason\":null}"), events.get(1));
        assertTrue(events.get(2).contains("\"delta\":{},\"logprobs\":null,\"finish_reason\":\"length\""), events.get(2));
    }

    @Test
    void withoutStreamOptionsNoChunkCarriesUsage() {
        List<String> events = post(HI + ", \"stream\": true", delta(0, "a", 5), finished(0, FinishReason.LENGTH, null)).events();
        for (String event : events) {
            assertFalse(event.contains("usage"), event);
        }
    }

    @Test
    void includeUsageAddsALastChunkWithTheUsageAndNoChoices() {
        List<String> events = post(HI + ", \"stream\": true, \"stream_options\": {\"include_usage\": true}",
                delta(0, "a", 5), delta(0, "b", 6), finished(0, FinishReason.LENGTH, null)).events();
        assertEquals(6, events.size());
        assertFalse(events.get(3).contains("usage"), events.get(3));
        assertEquals("{\"id\":\"chatcmpl-ID\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"served-model\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"total_tokens\":5,\"completion_tokens\":2}}",
                WireReply.stable(events.get(4)));
    }

    @Test
    void continuousUsageStatsPutTheUsageSoFarInEveryChunkAfterTheRole() {
        List<String> events = post(HI + ", \"stream\": true, \"stream_options\": {\"include_usage\": true, "
                + "\"continuous_usage_stats\": true}", delta(0, "a", 5), delta(0, "b", 6), finished(0, FinishReason.LENGTH, null))
                .events();
        assertFalse(events.get(0).contains("usage"), "the role chunk comes before any token: " + events.get(0));
        assertTrue(events.get(1).endsWith("\"usage\":{\"prompt_tokens\":3,\"total_tokens\":4,\"completion_tokens\":1}}"));
        assertTrue(events.get(2).endsWith("\"usage\":{\"prompt_tokens\":3,\"total_tokens\":5,\"completion_tokens\":2}}"));
        assertTrue(events.get(3).endsWith("\"usage\":{\"prompt_tokens\":3,\"total_tokens\":5,\"completion_tokens\":2}}"));
        assertTrue(events.get(4).contains("\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"total_tokens\":5,\"completion_tokens\":2}}"));
        assertEquals(6, events.size());
    }

    @Test
    void aClientErrorFoundMidStreamIsSentAsA400EventNamingTheParameterThenDone() {
        List<String> events = post(HI + ", \"stream\": true, \"stream_options\": {\"include_usage\": true}", delta(0, "a", 5),
                new GenerationEvent.Failed(0, new InvalidRequestException("too long", "max_tokens"))).events();
        assertEquals(List.of("{\"error\":{\"message\":\"too long\",\"type\":\"BadRequestError\",\"param\":\"max_tokens\",\"code\":400}}",
                "[DONE]"), events.subList(2, events.size()));
        assertTrue(generation.cancelled());
    }

    // --- what the use case is asked

    @Test
    void theUseCaseGetsTheConversationAndMaxCompletionTokensOverMaxTokens() {
        post("\"messages\": [{\"role\": \"system\", \"content\": \"Be brief\"}, {\"role\": \"user\", \"content\": "
                + "[{\"type\": \"text\", \"text\": \"Hello\"}, {\"type\": \"text\", \"text\": \"world\"}]}], "
                + "\"max_tokens\": 9, \"max_completion_tokens\": 4, \"model\": \"m\"", finished(0, FinishReason.LENGTH, null));
        ChatCommand command = commands.getFirst();
        assertEquals("m", command.model());
        assertEquals(List.of("system", "user"), command.messages().stream().map(m -> m.role().name()).toList());
        assertEquals("Hello\nworld", command.messages().get(1).content(), "text parts are joined with newlines, as vLLM does");
        assertEquals(4, command.sampling().maxTokens());
    }

    @Test
    void logprobsWithoutTopLogprobsAsksForNoAlternatives() {
        post(HI + ", \"logprobs\": true", finished(0, FinishReason.LENGTH, null));
        assertEquals(0, commands.getFirst().sampling().logprobs());
    }

    @Test
    void anUnknownModelIs404NamingTheModel() {
        ChatCompletionsResource resource = new ChatCompletionsResource(command -> {
            throw new NotFoundException("The model `gpt-4` does not exist.", "model");
        }, ServedModel.LIST, new StreamWriteTimeout(30), ClientDeparture.UNWATCHED);
        WireReply reply = WireReply.ofError(assertThrows(NotFoundException.class,
                () -> resource.create("{\"model\": \"gpt-4\", " + HI + "}")));
        assertEquals(404, reply.status());
        assertEquals("{\"error\":{\"message\":\"The model `gpt-4` does not exist.\",\"type\":\"NotFoundError\",\"param\":\"model\","
                + "\"code\":404}}", reply.body());
    }
}
