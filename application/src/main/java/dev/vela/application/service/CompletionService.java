package dev.vela.application.service;

import dev.vela.application.engine.Engine;
import dev.vela.application.port.in.CompletionCommand;
import dev.vela.application.port.in.CompletionUseCase;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.Generation.PromptTokens;
import dev.vela.application.port.out.Tokenizer;
import dev.vela.domain.budget.TokenBudget;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.prompt.Prompt;
import dev.vela.domain.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.List;

/** Continues prompts given as text or token ids. */
public final class CompletionService implements CompletionUseCase {

    private final ServedModel model;
    private final Tokenizer tokenizer;
    private final PromptEncoder encoder;
    private final GenerationStarter starter;

    public CompletionService(ServedModel model, Tokenizer tokenizer, Engine engine) {
        this.model = model;
        this.tokenizer = tokenizer;
        this.encoder = new PromptEncoder(tokenizer, model.budget());
        this.starter = new GenerationStarter(model, engine);
    }

    @Override
    public Generation complete(CompletionCommand command) {
        model.check(command.model());
        if (command.suffix() != null) {
            throw new InvalidRequestException("suffix is not currently supported", "suffix");
        }
        long sequences = (long) command.prompts().size() * command.sampling().sequencesToGenerate();
        if (sequences > SamplingParams.MAX_N) {
            throw new InvalidRequestException("A request may generate at most " + SamplingParams.MAX_N
                    + " sequences, got " + command.prompts().size() + " prompts of "
                    + command.sampling().sequencesToGenerate() + " each.", "prompt");
        }
        List<PromptTokens> prompts = new ArrayList<>(command.prompts().size());
        for (Prompt prompt : command.prompts()) {
            prompts.add(tokenize(prompt));
        }
        Integer maxTokens = command.sampling().maxTokens() != null
                ? command.sampling().maxTokens()
                : Integer.valueOf(TokenBudget.COMPLETIONS_DEFAULT_MAX_TOKENS);
        return starter.start(prompts, command.sampling(), maxTokens, "prompt");
    }

    private PromptTokens tokenize(Prompt prompt) {
        return switch (prompt) {
            case Prompt.Text text -> new PromptTokens(text.text(), encoder.encode(text.text(), true, "prompt"));
            case Prompt.Tokens tokens -> {
                int[] ids = tokens.ids();
                if (ids.length == 0) {
                    throw new InvalidRequestException("The decoder prompt cannot be empty", "prompt");
                }
                model.checkTokenIds(ids, "prompt");
                yield new PromptTokens(tokenizer.decode(ids, false), ids);
            }
        };
    }
}
