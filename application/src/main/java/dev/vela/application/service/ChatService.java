package dev.vela.application.service;

import dev.vela.application.engine.Engine;
import dev.vela.application.engine.ReasoningMarkers;
import dev.vela.application.port.in.ChatCommand;
import dev.vela.application.port.in.ChatUseCase;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.Generation.PromptTokens;
import dev.vela.application.port.out.ChatTemplates;
import dev.vela.application.port.out.Tokenizer;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.reasoning.ReasoningSplit;
import dev.vela.domain.sampling.SamplingParams;
import dev.vela.domain.structured.OutputConstraint;
import dev.vela.domain.tools.NamedToolCall;
import dev.vela.domain.tools.RequiredToolCalls;
import dev.vela.domain.tools.ToolCallParser;
import dev.vela.domain.tools.ToolChoice;
import dev.vela.domain.tools.ToolSchemas;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Answers conversations: the chat template renders them (it emits BOS itself, so the prompt is
 * tokenized without adding special tokens again, as vLLM does), then the engine generates. A
 * {@code "required"} or named tool choice constrains the answer to calls of the tools; with
 * {@code "auto"}, the server's tool call parser reads calls out of the answer.
 */
public final class ChatService implements ChatUseCase {

    private final ServedModel model;
    private final PromptEncoder encoder;
    private final ChatTemplates templates;
    private final RequestTemplatePolicy templatePolicy;
    private final GenerationStarter starter;
    private final ChatSettings settings;
    /** With the reasoning parser, its markers as single tokens (null when the vocabulary lacks them). */
    private final ReasoningMarkers reasoningMarkers;

    /**
     * @param templatePolicy whether a request may bring its own chat template
     * @param settings       what the server's flags decide about answers
     */
    public ChatService(ServedModel model, Tokenizer tokenizer, ChatTemplates templates,
                       RequestTemplatePolicy templatePolicy, Engine engine, ChatSettings settings) {
        this.model = model;
        this.encoder = new PromptEncoder(tokenizer, model.budget());
        this.templates = templates;
        this.templatePolicy = templatePolicy;
        this.starter = new GenerationStarter(model, engine);
        this.settings = settings;
        this.reasoningMarkers = settings.splitReasoning() ? markers(tokenizer) : null;
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
        SamplingParams sampling = samplingFor(command);
        String prompt = templates.render(command.messages(), command.render());
        PromptTokens tokens = new PromptTokens(prompt, encoder.encode(prompt, false, "messages"));
        Generation generation = starter.start(List.of(tokens), sampling, sampling.maxTokens(), "messages", reasoningMarkers);
        if (settings.splitReasoning()) {
            generation = new ReasoningGeneration(generation, command.includeReasoning());
        }
        return switch (command.toolChoice()) {
            case ToolChoice.None none -> generation;
            case ToolChoice.Auto auto -> new ToolCallGeneration(generation,
                    () -> ToolCallParser.create(settings.toolCallParser().orElseThrow(), ChatService::toolCallId), true);
            case ToolChoice.Required required -> new ToolCallGeneration(generation,
                    () -> new RequiredToolCalls(ChatService::toolCallId), true);
            case ToolChoice.Named named -> new ToolCallGeneration(generation,
                    () -> new NamedToolCall(named.name(), ChatService::toolCallId), false);
        };
    }

    /**
     * The request's sampling as the engine gets it: the answer constrained to tool calls where the
     * tool choice demands them, and the server's reasoning budget where the request set none.
     */
    SamplingParams samplingFor(ChatCommand command) {
        SamplingParams sampling = command.sampling();
        if (sampling.thinkingTokenBudget() == null && settings.defaultThinkingTokenBudget().isPresent()) {
            sampling = sampling.withThinkingTokenBudget(settings.defaultThinkingTokenBudget().get());
        }
        List<Map<String, Object>> tools = command.render().tools();
        return switch (command.toolChoice()) {
            case ToolChoice.None none -> sampling;
            case ToolChoice.Auto auto -> {
                if (settings.toolCallParser().isEmpty()) {
                    throw new InvalidRequestException("\"auto\" tool choice requires --enable-auto-tool-choice and "
                            + "--tool-call-parser to be set", "tool_choice");
                }
                yield sampling;
            }
            case ToolChoice.Required required -> constrained(sampling, () -> ToolSchemas.required(tools, command.parallelToolCalls()));
            case ToolChoice.Named named -> constrained(sampling, () -> ToolSchemas.named(tools, named.name()));
        };
    }

    private static SamplingParams constrained(SamplingParams sampling,
                                              Supplier<OutputConstraint> constraint) {
        if (sampling.structuredOutput() != null) {
            throw new InvalidRequestException("You can only either use constraints for tool use or structured outputs, "
                    + "but not both.", "tool_choice");
        }
        return sampling.withStructuredOutput(constraint.get());
    }

    /** vLLM's call ids: {@code chatcmpl-tool-} and 32 hex digits. */
    private static String toolCallId() {
        return "chatcmpl-tool-" + UUID.randomUUID().toString().replace("-", "");
    }
}
