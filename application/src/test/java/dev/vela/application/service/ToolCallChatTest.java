package dev.vela.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.application.engine.Engine;
import dev.vela.application.engine.EngineConfig;
import dev.vela.application.port.in.ChatCommand;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.domain.budget.TokenBudget;
import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.chat.ToolCall;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.generation.FinishReason;
import dev.vela.domain.generation.GenerationConfig;
import dev.vela.domain.model.ModelCard;
import dev.vela.domain.sampling.SamplingDefaults;
import dev.vela.domain.sampling.SamplingParams;
import dev.vela.domain.structured.OutputConstraint;
import dev.vela.domain.tools.ParsedToolCalls;
import dev.vela.domain.tools.ToolCallPiece;
import dev.vela.domain.tools.ToolChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tool choices through the chat service and the engine, on outputs played token by token: what
 * the REST layer is handed (each delta's pieces, each end's whole calls and finish reason), and
 * the constraint a required or named choice puts on the sampling.
 */
class ToolCallChatTest {

    private static final List<Map<String, Object>> TOOLS = List.of(Map.of("type", "function", "function",
            Map.of("name", "get_weather", "parameters", Map.of("type", "object", "properties",
                    Map.of("city", Map.of("type", "string")), "required", List.of("city")))));
    private static final String CALL = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": {\"city\": \"Paris\"}}\n</tool_call>";

    private final ThinkTokenizer tokenizer = new ThinkTokenizer();
    private Engine engine;
    private SamplingParams submitted;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    record Answer(List<ToolCallPiece> streamed, GenerationEvent.Finished finished) {

        ParsedToolCalls streamedCalls() {
            return ParsedToolCalls.of(streamed);
        }

        List<String> names(ParsedToolCalls calls) {
            return calls.calls().stream().map(ToolCall::functionName).toList();
        }
    }

    @Test
    void autoReadsTheCallsWithTheServersParserAndEndsWithToolCalls() throws InterruptedException {
        Answer answer = chat("Let me check. " + CALL, ToolChoice.AUTO, false, Optional.of("hermes"));
        ParsedToolCalls whole = answer.finished().toolCalls();
        assertEquals("Let me check.", whole.content());
        assertEquals(List.of("get_weather"), answer.names(whole));
        assertEquals("{\"city\": \"Paris\"}", whole.calls().getFirst().arguments());
        assertTrue(whole.calls().getFirst().id().matches("chatcmpl-tool-[0-9a-f]{32}"));
        assertEquals(FinishReason.TOOL_CALLS, answer.finished().reason());
        assertEquals(whole.content(), answer.streamedCalls().content());
        assertEquals(answer.names(whole), answer.names(answer.streamedCalls()));
    }

    @Test
    void anAnswerWithoutCallsKeepsItsFinishReasonAndItsText() throws InterruptedException {
        Answer answer = chat("Just text.", ToolChoice.AUTO, false, Optional.of("hermes"));
        assertEquals(new ParsedToolCalls("Just text.", List.of()), answer.finished().toolCalls());
        assertEquals(FinishReason.STOP, answer.finished().reason());
    }

    @Test
    void withAReasoningParserCallsAreLookedForOnlyAfterTheReasoning() throws InterruptedException {
        Answer answer = chat("I could write " + CALL + " here</think>" + CALL, ToolChoice.AUTO, true, Optional.of("hermes"));
        assertEquals(1, answer.finished().toolCalls().calls().size());
        assertNull(answer.finished().toolCalls().content());
        assertEquals("I could write " + CALL + " here", answer.finished().reasoning().reasoning());
        assertEquals(1, answer.streamedCalls().calls().size());
    }

    @Test
    void autoWithoutAParserIsRefusedWithVllmsMessage() {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> chat("x", ToolChoice.AUTO, false, Optional.empty()));
        assertEquals("\"auto\" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set",
                refused.getMessage());
        assertEquals("tool_choice", refused.param());
    }

    @Test
    void requiredConstrainsTheAnswerToTheToolsAndReadsItsItemsAsCalls() throws InterruptedException {
        Answer answer = chat("[{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Oslo\"}}]", ToolChoice.REQUIRED,
                false, Optional.empty());
        OutputConstraint.JsonSchema constraint = assertInstanceOf(OutputConstraint.JsonSchema.class, submitted.structuredOutput());
        assertEquals("tool_choice", constraint.field());
        assertEquals("array", ((Map<?, ?>) constraint.schema()).get("type"));
        assertEquals(List.of(new ToolCall(answer.finished().toolCalls().calls().getFirst().id(), "function", "get_weather",
                "{\"city\": \"Oslo\"}")), answer.finished().toolCalls().calls());
        assertEquals(FinishReason.TOOL_CALLS, answer.finished().reason());
    }

    @Test
    void aNamedToolIsConstrainedToItsParametersAndItsCallStreamsAsItComes() throws InterruptedException {
        Answer answer = chat("{\"city\": \"Rome\"}", new ToolChoice.Named("get_weather"), false, Optional.empty());
        assertEquals(((Map<?, ?>) TOOLS.getFirst().get("function")).get("parameters"),
                ((OutputConstraint.JsonSchema) submitted.structuredOutput()).schema());
        assertEquals("{\"city\": \"Rome\"}", answer.finished().toolCalls().calls().getFirst().arguments());
        assertEquals(FinishReason.STOP, answer.finished().reason(), "vLLM and OpenAI end a named call with stop");
        long argumentPieces = answer.streamed().stream().filter(p -> p instanceof ToolCallPiece.Arguments).count();
        assertEquals("{\"city\": \"Rome\"}".length(), argumentPieces, "one piece per generated token");
    }

    @Test
    void aNamedToolThatWasNotOfferedIsRefused() {
        InvalidRequestException refused = assertThrows(InvalidRequestException.class,
                () -> chat("{}", new ToolChoice.Named("nope"), false, Optional.empty()));
        assertEquals("Tool 'nope' has not been passed in `tools`.", refused.getMessage());
    }

    @Test
    void aToolConstraintAndAStructuredOutputTogetherAreRefused() {
        assertThrows(InvalidRequestException.class, () -> chat(SamplingParams.builder().temperature(0.0).maxTokens(10)
                .structuredOutput(new OutputConstraint.Regex("a", "structured_outputs.regex")).build(),
                "{}", ToolChoice.REQUIRED, false, Optional.empty()));
    }

    private Answer chat(String output, ToolChoice choice, boolean splitReasoning, Optional<String> parser)
            throws InterruptedException {
        return chat(SamplingParams.builder().temperature(0.0).maxTokens(400).build(), output, choice, splitReasoning, parser);
    }

    private Answer chat(SamplingParams sampling, String output, ToolChoice choice, boolean splitReasoning,
                        Optional<String> parser) throws InterruptedException {
        String prompt = "Q";
        int[] promptIds = tokenizer.encode(prompt, false);
        engine = new Engine(new PlaybackRunner(promptIds.length, tokenizer.encode(output, false)), tokenizer,
                EngineConfig.of(4096, 4, 64), List.of());
        ServedModel model = new ServedModel(new ModelCard("q", "q", 4096, 0, "vllm"),
                new GenerationConfig(SamplingDefaults.none(), List.of(ThinkTokenizer.EOS)), new TokenBudget(4096), ThinkTokenizer.SIZE);
        ChatService chats = new ChatService(model, tokenizer, (messages, options) -> prompt, new RequestTemplatePolicy(false),
                engine, new ChatSettings(splitReasoning, parser, Optional.empty()));
        ChatCommand command = new ChatCommand(null, List.of(ChatMessage.user("Q")),
                new ChatRenderOptions(true, false, Map.of(), TOOLS, null), sampling, true, choice, true);
        submitted = chats.samplingFor(command);
        Generation generation = chats.chat(command);
        List<ToolCallPiece> streamed = new ArrayList<>();
        GenerationEvent.Finished finished = null;
        GenerationEvent event;
        while ((event = generation.poll(10, TimeUnit.SECONDS)) != null) {
            switch (event) {
                case GenerationEvent.Delta d -> streamed.addAll(d.toolCalls());
                case GenerationEvent.Finished f -> finished = f;
                default -> throw new AssertionError("unexpected " + event);
            }
        }
        assertNotNull(finished, "the answer ended");
        return new Answer(streamed, finished);
    }
}
