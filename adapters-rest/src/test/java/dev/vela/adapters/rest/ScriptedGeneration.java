package dev.vela.adapters.rest;

import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.domain.generation.Usage;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A generation that plays back scripted events, as the engine would hand them over. Its usage
 * counts the prompts' token ids and the token ids of the deltas taken so far, so a stream's
 * running usage grows the way the engine's does.
 */
final class ScriptedGeneration implements Generation {

    private final List<PromptTokens> prompts;
    private final int choicesPerPrompt;
    private final ArrayDeque<GenerationEvent> events;
    private int completionTokens;
    private boolean cancelled;

    ScriptedGeneration(List<PromptTokens> prompts, int choicesPerPrompt, GenerationEvent... events) {
        this.prompts = List.copyOf(prompts);
        this.choicesPerPrompt = choicesPerPrompt;
        this.events = new ArrayDeque<>(List.of(events));
    }

    /** One prompt, one choice. */
    static ScriptedGeneration of(String prompt, int[] promptIds, GenerationEvent... events) {
        return new ScriptedGeneration(List.of(new PromptTokens(prompt, promptIds)), 1, events);
    }

    boolean cancelled() {
        return cancelled;
    }

    @Override
    public List<PromptTokens> prompts() {
        return prompts;
    }

    @Override
    public int choicesPerPrompt() {
        return choicesPerPrompt;
    }

    @Override
    public GenerationEvent next() {
        GenerationEvent event = events.poll();
        if (event instanceof GenerationEvent.Delta delta) {
            completionTokens += delta.tokenIds().length;
        }
        return event;
    }

    @Override
    public GenerationEvent poll(long timeout, TimeUnit unit) {
        return next();
    }

    @Override
    public boolean done() {
        return events.isEmpty();
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    @Override
    public Usage usage() {
        int promptTokens = 0;
        for (PromptTokens prompt : prompts) {
            promptTokens += prompt.tokenIds().length;
        }
        return new Usage(promptTokens, completionTokens);
    }
}
