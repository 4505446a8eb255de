package dev.vela.application.service;

import dev.vela.application.engine.Engine;
import dev.vela.application.engine.ReasoningMarkers;
import dev.vela.application.port.in.ChatCommand;
import dev.vela.application.port.in.ChatUseCase;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.Generation.PromptTokens;
import dev.vela.application.port.out.ChatTemplates;
import dev.vela.application.port.out.Tokenizer;
import dev.vela.domain.reasoning.ReasoningSplit;
import java.util.List;

/**
 * Answers conversations: the chat template renders them (it emits BOS itself, so the prompt is
 * tokenized without adding special tokens again, as vLLM does), then the engine generates.
 */
public final class ChatService implements ChatUseCase {

    private final ServedModel model;
    private final PromptEncoder encoder;
    private final ChatTemplates templates;
    private final RequestTemplatePolicy templatePolicy;
    private final GenerationStarter starter;
    private final boolean splitReasoning;
    /** With the reasoning parser, its markers as single tokens (null when the vocabulary lacks them). */
    private final ReasoningMarkers reasoningMarkers;

    /**
     * @param templatePolicy whether a request may bring its own chat template
     * @param splitReasoning whether answers are split into reasoning and content with DeepSeek-R1's
     *                       rules ({@code --reasoning-parser deepseek_r1})
     */
    public ChatService(ServedModel model, Tokenizer tokenizer, ChatTemplates templates,
                       RequestTemplatePolicy templatePolicy, Engine engine, boolean splitReasoning) {
        this.model = model;
        this.encoder = new PromptEncoder(tokenizer, model.budget());
        this.templates = templates;
        this.templatePolicy = templatePolicy;
        this.starter = new GenerationStarter(model, engine);
        this.splitReasoning = splitReasoning;
        this.reasoningMarkers = splitReasoning ? markers(tokenizer) : null;
    }

    private static ReasoningMarkers markers(Tokenizer tokenizer) {
        int[] start = tokenizer.encode(ReasoningSplit.START, false);
        int[] end = tokenizer.encode(ReasoningSplit.END, false);
        return start.length == 1 && end.length == 1 ? new ReasoningMarkers(start[0], end[0]) : null;
    }

    @Override
    public Generation chat(ChatCommand command) {
        model.check(command.model());
        templatePolicy.check(command.render());
        String prompt = templates.render(command.messages(), command.render());
        PromptTokens tokens = new PromptTokens(prompt, encoder.encode(prompt, false, "messages"));
        Generation generation = starter.start(List.of(tokens), command.sampling(), command.sampling().maxTokens(),
                "messages", reasoningMarkers);
        return splitReasoning ? new ReasoningGeneration(generation, command.includeReasoning()) : generation;
    }
}
