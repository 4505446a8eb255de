package dev.vela.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.vela.application.engine.Engine;
import dev.vela.application.engine.EngineConfig;
import dev.vela.application.port.in.ChatCommand;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.domain.budget.TokenBudget;
import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.generation.FinishReason;
import dev.vela.domain.generation.GenerationConfig;
import dev.vela.domain.model.ModelCard;
import dev.vela.domain.reasoning.ReasoningSplit;
import dev.vela.domain.sampling.SamplingDefaults;
import dev.vela.domain.sampling.SamplingParams;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code thinking_token_budget} through the chat service and the engine: the runner plays a fixed
 * output token by token (one token a byte, {@code <think>} and {@code </think>} one token each),
 * and where the budget forces {@code </think>} the forced token takes that step's place.
 */
class ReasoningBudgetTest {

    private static final String OPEN_REASONING = "Q<think>\n";

    private final ThinkTokenizer tokenizer = new ThinkTokenizer();
    private Engine engine;

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
    }

    record Answer(String text, ReasoningSplit split, FinishReason reason, int tokens) {
    }

    @Test
    void afterTheBudgetTheEndOfReasoningIsForcedAndTheAnswerFollows() throws InterruptedException {
        Answer answer = chat(OPEN_REASONING, "abcdefg", 3, null, Optional.empty());
        assertEquals("abc</think>efg", answer.text());
        assertEquals(new ReasoningSplit("abc", "efg"), answer.split());
    }

    @Test
    void theCharacterBeingWrittenIsFinishedFirst() throws InterruptedException {
        // '€' is three tokens here (E2 82 AC); the budget runs out after its first byte.
        Answer answer = chat(OPEN_REASONING, "ab€cd", 3, null, Optional.empty());
        assertEquals("ab€</think>d", answer.text());
    }

    @Test
    void aBudgetOfZeroEndsTheReasoningAtOnce() throws InterruptedException {
        assertEquals(new ReasoningSplit("", "bcd"), chat(OPEN_REASONING, "abcd", 0, null, Optional.empty()).split());
    }

    @Test
    void maxTokensStillBoundsTheWholeOutput() throws InterruptedException {
        Answer answer = chat(OPEN_REASONING, "abcdefg", 3, 5, Optional.empty());
        assertEquals("abc</think>e", answer.text());
        assertEquals(FinishReason.LENGTH, answer.reason());
        assertEquals(5, answer.tokens());
    }

    @Test
    void aModelThatEndsItsReasoningWithinTheBudgetIsLeftAlone() throws InterruptedException {
        assertEquals("ab</think>cdefg", chat(OPEN_REASONING, "ab</think>cdefg", 3, null, Optional.empty()).text());
    }

    @Test
    void reasoningTheModelOpensItselfCountsFromItsStart() throws InterruptedException {
        assertEquals("xy<think>ab</think>de", chat("Q", "xy<think>abcde", 2, null, Optional.empty()).text());
    }

    @Test
    void withoutABudgetNothingIsForced() throws InterruptedException {
        assertEquals("abcdefg", chat(OPEN_REASONING, "abcdefg", null, null, Optional.empty()).text());
    }

    @Test
    void theServersDefaultBudgetAppliesToARequestThatSetsNoneAndARequestsOwnWins() throws InterruptedException {
        assertEquals("a</think>cdefg", chat(OPEN_REASONING, "abcdefg", null, null, Optional.of(1)).text());
        assertEquals("abcd</think>fg", chat(OPEN_REASONING, "abcdefg", 4, null, Optional.of(1)).text());
    }

    private Answer chat(String prompt, String output, Integer budget, Integer maxTokens, Optional<Integer> serverDefault)
            throws InterruptedException {
        if (engine != null) {
            engine.close();
        }
        int[] promptIds = tokenizer.encode(prompt, false);
        engine = new Engine(new PlaybackRunner(promptIds.length, tokenizer.encode(output, false)), tokenizer,
                EngineConfig.of(4096, 4, 64), List.of());
        ServedModel model = new ServedModel(new ModelCard("r1", "r1", 4096, 0, "vllm"),
                new GenerationConfig(SamplingDefaults.none(), List.of(ThinkTokenizer.EOS)), new TokenBudget(4096), ThinkTokenizer.SIZE);
        ChatService chats = new ChatService(model, tokenizer, (messages, options) -> prompt, new RequestTemplatePolicy(false),
                engine, new ChatSettings(true, Optional.empty(), serverDefault));
        SamplingParams sampling = SamplingParams.builder().temperature(0.0).maxTokens(maxTokens == null ? 200 : maxTokens)
                .thinkingTokenBudget(budget).build();
        Generation generation = chats.chat(new ChatCommand(null, List.of(ChatMessage.user("Q")), ChatRenderOptions.defaults(),
                sampling, true));
        StringBuilder text = new StringBuilder();
        GenerationEvent.Finished finished = null;
        GenerationEvent event;
        while ((event = generation.poll(10, TimeUnit.SECONDS)) != null) {
            switch (event) {
                case GenerationEvent.Delta d -> text.append(d.text());
                case GenerationEvent.Finished f -> finished = f;
                default -> throw new AssertionError("unexpected " + event);
            }
        }
        assertNotNull(finished, "the answer ended");
        return new Answer(text.toString(), finished.reasoning(), finished.reason(), finished.completionTokens());
    }
}
