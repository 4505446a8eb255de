package dev.vela.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.application.engine.Engine;
import dev.vela.application.engine.EngineConfig;
import dev.vela.application.port.in.ChatCommand;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.domain.budget.TokenBudget;
import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.generation.GenerationConfig;
import dev.vela.domain.model.ModelCard;
import dev.vela.domain.reasoning.ReasoningSplit;
import dev.vela.domain.sampling.SamplingDefaults;
import dev.vela.domain.sampling.SamplingParams;
import dev.vela.domain.structured.OutputConstraint;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --reasoning-parser deepseek_r1} on chat answers, proved exhaustively below HTTP: the chat
 * service and the engine generate each of vLLM's test vectors
 * ({@code tests/reasoning/test_deepseekr1_reasoning_parser.py}) token by token, with
 * {@code <think>} and {@code </think>} as single tokens, and the answer is split as vLLM splits it,
 * whole ({@code Finished.reasoning}) and streamed ({@code Delta.reasoning}). Each output is
 * delivered three ways: a delta per token, deltas cut across the markers (a stop string that never
 * matches holds three characters back), and the whole output in one delta (a stop string longer
 * than the output holds everything back), so {@code </think>} also arrives inside a delta.
 */
class ReasoningChatTest {

    private static final String R = "This is a reasoning section";
    private static final String REST = "This is the rest";
    private static final String PROMPT = "Q<think>\n";

    private final ThinkTokenizer tokenizer = new ThinkTokenizer();
    private Engine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    /**
     * One of vLLM's vectors: a model output, its split as a whole answer, and its split as a stream
     * shows it (the joined pieces; null where no piece carried that part).
     */
    record Vector(String name, String output, ReasoningSplit whole, ReasoningSplit streamed) {

        @Override
        public String toString() {
            return name;
        }
    }

    /** How the engine cuts an output into deltas. */
    enum Delivery {
        TOKEN_BY_TOKEN(List.of()),
        CUT_ACROSS_MARKERS(List.of("@@@@")),
        ONE_DELTA(List.of("@".repeat(100)));

        final List<String> neverMatchingStops;

        Delivery(List<String> neverMatchingStops) {
            this.neverMatchingStops = neverMatchingStops;
        }
    }

    static Stream<Vector> vectors() {
        ReasoningSplit simple = new ReasoningSplit(R, REST);
        ReasoningSplit complete = new ReasoningSplit(R, null);
        ReasoningSplit lines = new ReasoningSplit("This\nThat", "This is the rest\nThat");
        return Stream.of(
                new Vector("simple reasoning", R + "</think>" + REST, simple, simple),
                new Vector("complete reasoning", R + "</think>", complete, complete),
                new Vector("no content (no end marker)", "This is content",
                        new ReasoningSplit("This is content", null), new ReasoningSplit("This is content", null)),
                new Vector("multiple lines", "This\nThat</think>This is the rest\nThat", lines, lines),
                new Vector("shortest (the end marker first)", "</think>" + REST,
                        new ReasoningSplit("", REST), new ReasoningSplit(null, REST)),
                new Vector("reasoning with think", "<think>" + R + "</think>" + REST, simple, simple),
                new Vector("complete reasoning with think", "<think>" + R + "</think>", complete, complete),
                new Vector("multiple lines with think", "<think>This\nThat</think>This is the rest\nThat", lines, lines),
                new Vector("shortest with think", "<think></think>" + REST,
                        new ReasoningSplit("", REST), new ReasoningSplit(null, REST)),
                new Vector("think without an end", "<think>" + R, complete, complete),
                new Vector("empty", "", new ReasoningSplit("", null), new ReasoningSplit(null, null)),
                new Vector("new line before think", "\n<think>" + R + "</think>\n" + REST,
                        new ReasoningSplit(R, "\n" + REST), new ReasoningSplit("\n" + R, "\n" + REST)));
    }

    static Stream<Arguments> vectorsAndDeliveries() {
        return vectors().flatMap(vector -> Stream.of(Delivery.values()).map(delivery -> Arguments.of(vector, delivery)));
    }

    /** What a chat answer produced: every delta and the end of its one choice. */
    record Answer(List<GenerationEvent.Delta> deltas, GenerationEvent.Finished finished) {

        String text() {
            return String.join("", deltas.stream().map(GenerationEvent.Delta::text).toList());
        }

        /** The streamed pieces joined, as a client reading reasoning_content and content would. */
        ReasoningSplit streamed() {
            StringBuilder reasoning = null;
            StringBuilder content = null;
            for (GenerationEvent.Delta delta : deltas) {
                ReasoningSplit piece = delta.reasoning();
                if (piece.reasoning() != null) {
                    reasoning = (reasoning == null ? new StringBuilder() : reasoning).append(piece.reasoning());
                }
                if (piece.content() != null) {
                    content = (content == null ? new StringBuilder() : content).append(piece.content());
                }
            }
            return new ReasoningSplit(reasoning == null ? null : reasoning.toString(), content == null ? null : content.toString());
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("vectorsAndDeliveries")
    void theWholeAnswerIsSplitAsVllmSplitsAnAnswerThatIsNotStreamed(Vector vector, Delivery delivery) throws InterruptedException {
        Answer answer = chat(vector.output(), delivery, true, true);

        assertEquals(vector.output(), answer.text(), "the engine generated the vector");
        assertEquals(vector.whole(), answer.finished().reasoning());
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("vectorsAndDeliveries")
    void theStreamedPiecesAreSplitAsVllmStreamsThem(Vector vector, Delivery delivery) throws InterruptedException {
        Answer answer = chat(vector.output(), delivery, true, true);

        assertEquals(vector.streamed(), answer.streamed());
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("vectorsAndDeliveries")
    void noStreamedPieceEverCarriesAMarker(Vector vector, Delivery delivery) throws InterruptedException {
        for (GenerationEvent.Delta delta : chat(vector.output(), delivery, true, true).deltas()) {
            for (String part : new String[] {delta.reasoning().reasoning(), delta.reasoning().content()}) {
                assertFalse(part != null && (part.contains("</think>") || part.contains("<think>")), "sent " + part);
            }
        }
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("vectorsAndDeliveries")
    void withoutIncludeReasoningOnlyTheContentIsLeft(Vector vector, Delivery delivery) throws InterruptedException {
        Answer answer = chat(vector.output(), delivery, true, false);

        assertEquals(new ReasoningSplit(null, vector.whole().content()), answer.finished().reasoning());
        assertEquals(new ReasoningSplit(null, vector.streamed().content()), answer.streamed());
    }

    @Test
    void anEndMarkerInsideADeltaSplitsThatDelta() throws InterruptedException {
        Answer answer = chat("abc</think>def", Delivery.ONE_DELTA, true, true);

        GenerationEvent.Delta whole = answer.deltas().stream().filter(d -> d.text().contains("</think>")).findFirst().orElseThrow();
        assertEquals("abc</think>def", whole.text());
        assertEquals(new ReasoningSplit("abc", "def"), whole.reasoning());
    }

    @Test
    void anEndMarkerCutAcrossDeltasIsHeldBackUntilItIsWhole() throws InterruptedException {
        Answer answer = chat("abc</think>def", Delivery.CUT_ACROSS_MARKERS, true, true);

        assertTrue(answer.deltas().stream().noneMatch(d -> d.text().contains("</think>")), "no delta holds the marker whole");
        assertEquals(new ReasoningSplit("abc", "def"), answer.streamed());
    }

    @Test
    void aDeltaThatIsOnlyAMarkerShowsNothing() throws InterruptedException {
        Answer answer = chat("a</think>b", Delivery.TOKEN_BY_TOKEN, true, true);

        GenerationEvent.Delta marker = answer.deltas().stream().filter(d -> d.text().equals("</think>")).findFirst().orElseThrow();
        assertEquals(new ReasoningSplit(null, null), marker.reasoning(), "not null: null would mean a server without a parser");
    }

    /** The brief's deployment: the markers are not special tokens, so the content is the raw output. */
    @Test
    void withoutAParserTheMarkersStayInTheText() throws InterruptedException {
        Answer answer = chat(R + "</think>" + REST, Delivery.TOKEN_BY_TOKEN, false, true);

        assertEquals(R + "</think>" + REST, answer.text());
        assertTrue(answer.deltas().stream().allMatch(d -> d.reasoning() == null));
        assertNull(answer.finished().reasoning());
    }

    @Test
    void aStructuredOutputConstrainsOnlyTheAnswerAfterTheReasoning() throws InterruptedException {
        Answer answer = chat(R + "</think>" + REST, Delivery.TOKEN_BY_TOKEN, true, true,
                new OutputConstraint.Choice(List.of("yes", "no"), "structured_outputs.choice"));

        assertEquals(new ReasoningSplit(R, "no"), answer.finished().reasoning(), "free reasoning, then the choice");
    }

    private Answer chat(String output, Delivery delivery, boolean splitReasoning, boolean includeReasoning)
            throws InterruptedException {
        return chat(output, delivery, splitReasoning, includeReasoning, null);
    }

    /** Generates {@code output} as the answer to a chat, greedily, and collects what the chat service hands the REST layer. */
    private Answer chat(String output, Delivery delivery, boolean splitReasoning, boolean includeReasoning,
                        OutputConstraint constraint) throws InterruptedException {
        int[] prompt = tokenizer.encode(PROMPT, false);
        engine = new Engine(new PlaybackRunner(prompt.length, tokenizer.encode(output, false)), tokenizer,
                EngineConfig.of(4096, 4, 64), List.of());
        ServedModel model = new ServedModel(new ModelCard("r1", "r1", 4096, 0, "vllm"),
                new GenerationConfig(SamplingDefaults.none(), List.of(ThinkTokenizer.EOS)), new TokenBudget(4096), ThinkTokenizer.SIZE);
        ChatService chats = new ChatService(model, tokenizer, (messages, options) -> PROMPT,
                new RequestTemplatePolicy(false), engine,
                new ChatSettings(splitReasoning, Optional.empty(), Optional.empty()));
        SamplingParams sampling = SamplingParams.builder().temperature(0.0).maxTokens(200)
                .stop(delivery.neverMatchingStops).structuredOutput(constraint).build();

        Generation generation = chats.chat(new ChatCommand(null, List.of(ChatMessage.user("Q")), ChatRenderOptions.defaults(),
                sampling, includeReasoning));
        List<GenerationEvent.Delta> deltas = new ArrayList<>();
        GenerationEvent.Finished finished = null;
        GenerationEvent event;
        while ((event = generation.poll(10, TimeUnit.SECONDS)) != null) {
            switch (event) {
                case GenerationEvent.Delta d -> {
                    assertEquals(splitReasoning, d.reasoning() != null, "with a parser every delta carries its split");
                    deltas.add(d);
                }
                case GenerationEvent.Finished f -> finished = f;
                default -> throw new AssertionError("unexpected " + event);
            }
        }
        assertNotNull(finished, "the answer ended");
        return new Answer(deltas, finished);
    }
}
