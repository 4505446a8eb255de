package dev.vela.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.application.engine.Engine;
import dev.vela.application.engine.EngineConfig;
import dev.vela.application.port.in.ChatCommand;
import dev.vela.application.port.in.CompletionCommand;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.domain.budget.TokenBudget;
import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.generation.GenerationConfig;
import dev.vela.domain.model.ModelCard;
import dev.vela.domain.prompt.Prompt;
import dev.vela.domain.sampling.SamplingDefaults;
import dev.vela.domain.sampling.SamplingParams;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A prompt of no tokens, however it came about, is refused in vLLM's words naming the request's
 * field, and the engine never sees it.
 */
class EmptyPromptTest {

    private final ThinkTokenizer tokenizer = new ThinkTokenizer();
    private Engine engine;
    private ServedModel model;

    @BeforeEach
    void start() {
        engine = new Engine(new PlaybackRunner(2, tokenizer.encode("ok", false)), tokenizer, EngineConfig.of(4096, 4, 64),
                List.of());
        model = new ServedModel(new ModelCard("m", "m", 4096, 0, "vllm"),
                new GenerationConfig(SamplingDefaults.none(), List.of(ThinkTokenizer.EOS)), new TokenBudget(4096),
                ThinkTokenizer.SIZE);
    }

    @AfterEach
    void stop() {
        engine.close();
    }

    private static SamplingParams greedy() {
        return SamplingParams.builder().temperature(0.0).maxTokens(5).build();
    }

    @Test
    void aChatWhoseTemplateRendersNothingIsRefusedNamingMessages() throws InterruptedException {
        ChatService chats = new ChatService(model, tokenizer, (messages, options) -> "", new RequestTemplatePolicy(false), engine, ChatSettings.plain());
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> chats.chat(
                new ChatCommand(null, List.of(ChatMessage.user("Q")), ChatRenderOptions.defaults(), greedy(), true)));
        assertEquals("The decoder prompt cannot be empty", refused.getMessage());
        assertEquals("messages", refused.param());
        assertAnswers(new ChatService(model, tokenizer, (messages, options) -> "Hi", new RequestTemplatePolicy(false), engine, ChatSettings.plain()).chat(
                new ChatCommand(null, List.of(ChatMessage.user("Q")), ChatRenderOptions.defaults(), greedy(), true)));
    }

    @Test
    void aTextPromptThatTokenizesToNothingIsRefusedNamingPrompt() throws InterruptedException {
        CompletionService completions = new CompletionService(model, tokenizer, engine);
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> completions.complete(
                new CompletionCommand(null, List.of(Prompt.text("Hi"), Prompt.text("")), greedy(), false, null)));
        assertEquals("The decoder prompt cannot be empty", refused.getMessage());
        assertEquals("prompt", refused.param());
        assertAnswers(completions.complete(new CompletionCommand(null, List.of(Prompt.text("Hi")), greedy(), false, null)));
    }

    @Test
    void aPromptOfNoTokenIdsIsRefusedNamingPrompt() {
        CompletionService completions = new CompletionService(model, tokenizer, engine);
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> completions.complete(
                new CompletionCommand(null, List.of(Prompt.tokens()), greedy(), false, null)));
        assertEquals("The decoder prompt cannot be empty", refused.getMessage());
        assertEquals("prompt", refused.param());
    }

    private void assertAnswers(Generation generation) throws InterruptedException {
        GenerationEvent.Finished finished = null;
        GenerationEvent event;
        while ((event = generation.poll(10, TimeUnit.SECONDS)) != null) {
            if (event instanceof GenerationEvent.Finished f) {
                finished = f;
            }
        }
        assertNotNull(finished, "the engine answered the next request");
        assertTrue(engine.healthy());
    }
}
