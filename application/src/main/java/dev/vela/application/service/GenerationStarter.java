package dev.vela.application.service;

import dev.vela.application.engine.Engine;
import dev.vela.application.engine.ReasoningMarkers;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.Generation.PromptTokens;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.List;

/**
 * What completions and chat share once the prompts are tokens: server defaults, the token budget
 * per prompt, vocabulary checks, and handing the sequences to the engine.
 */
final class GenerationStarter {

    private final ServedModel model;
    private final Engine engine;

    GenerationStarter(ServedModel model, Engine engine) {
        this.model = model;
        this.engine = engine;
    }

    /**
     * @param requestedMaxTokens {@code max_tokens} as the client sent it, or the endpoint's default
     * @param inputParam         the field holding the prompt, named in the empty-prompt and
     *                           context-length errors
     */
    Generation start(List<PromptTokens> prompts, SamplingParams sampling, Integer requestedMaxTokens, String inputParam) {
        return start(prompts, sampling, requestedMaxTokens, inputParam, null);
    }

    /** @param reasoning the reasoning parser's markers, after which a structured output starts; null without one */
    Generation start(List<PromptTokens> prompts, SamplingParams sampling, Integer requestedMaxTokens, String inputParam,
                     ReasoningMarkers reasoning) {
        for (PromptTokens prompt : prompts) {
            if (prompt.tokenIds().length == 0) {
                throw new InvalidRequestException("The decoder prompt cannot be empty", inputParam);
            }
        }
        SamplingParams resolved = sampling.withDefaults(model.generation().defaults());
        resolved.verifyTokenIds(model.vocabularySize());
        List<Engine.PromptRequest> requests = new ArrayList<>(prompts.size());
        for (PromptTokens prompt : prompts) {
            int maxTokens = model.budget().maxTokens(prompt.tokenIds().length, requestedMaxTokens, inputParam);
            requests.add(new Engine.PromptRequest(prompt, resolved.withMaxTokens(maxTokens), reasoning));
        }
        int generated = resolved.sequencesToGenerate();
        if (generated == resolved.n()) {
            return engine.submit(requests, resolved.n(), model.eosIds(), false);
        }
        return new BestOfGeneration(engine.submit(requests, generated, model.eosIds(), true), resolved.n(), generated);
    }
}
