package dev.vela.application.service;

import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.domain.generation.Usage;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.TimeUnit;

/**
 * A generation whose events are rewritten on their way to the caller: each event of the wrapped
 * generation becomes the events {@link #rewrite} queues for it (one or more), in order.
 */
abstract class RewrittenGeneration implements Generation {

    private final Generation generation;
    private final ArrayDeque<GenerationEvent> ready = new ArrayDeque<>();

    RewrittenGeneration(Generation generation) {
        this.generation = generation;
    }

    /** Queues on {@code out} what the caller sees of {@code event}; called under this generation's lock. */
    abstract void rewrite(GenerationEvent event, Queue<GenerationEvent> out);

    @Override
    public List<PromptTokens> prompts() {
        return generation.prompts();
    }

    @Override
    public int choicesPerPrompt() {
        return generation.choicesPerPrompt();
    }

    @Override
    public synchronized GenerationEvent next() throws InterruptedException {
        while (ready.isEmpty()) {
            GenerationEvent event = generation.next();
            if (event == null) {
                return null;
            }
            rewrite(event, ready);
        }
        return ready.poll();
    }

    @Override
    public synchronized GenerationEvent poll(long timeout, TimeUnit unit) throws InterruptedException {
        if (ready.isEmpty()) {
            GenerationEvent event = generation.poll(timeout, unit);
            if (event == null) {
                return null;
            }
            rewrite(event, ready);
        }
        return ready.poll();
    }

    @Override
    public synchronized boolean done() {
        return ready.isEmpty() && generation.done();
    }

    @Override
    public void cancel() {
        generation.cancel();
    }

    @Override
    public Usage usage() {
        return generation.usage();
    }
}
