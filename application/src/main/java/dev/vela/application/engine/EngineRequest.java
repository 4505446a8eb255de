package dev.vela.application.engine;

import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.domain.generation.Usage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One request inside the engine: its sequences (one per choice) and the queue its events wait in
 * until the caller takes them. The engine thread writes; any thread reads.
 */
final class EngineRequest implements Generation {

    private static final GenerationEvent END = new GenerationEvent.Failed(-1, null);

    private final Engine engine;
    private final List<PromptTokens> prompts;
    private final int choicesPerPrompt;
    private final boolean cumulativeLogprob;
    final List<Sequence> sequences = new ArrayList<>();
    private final LinkedBlockingQueue<GenerationEvent> events = new LinkedBlockingQueue<>();
    private final AtomicInteger completionTokens = new AtomicInteger();
    private int open;
    private volatile boolean ended;
    private volatile boolean drained;

    EngineRequest(Engine engine, List<PromptTokens> prompts, int choicesPerPrompt, boolean cumulativeLogprob) {
        this.engine = engine;
        this.prompts = List.copyOf(prompts);
        this.choicesPerPrompt = choicesPerPrompt;
        this.cumulativeLogprob = cumulativeLogprob;
    }

    boolean wantsCumulativeLogprob() {
        return cumulativeLogprob;
    }

    void opened(Sequence sequence) {
        sequences.add(sequence);
        open++;
    }

    /** Called on the engine thread with what a sequence produced. */
    void emit(List<GenerationEvent> produced) {
        for (GenerationEvent event : produced) {
            events.add(event);
            if (event instanceof GenerationEvent.Delta delta) {
                completionTokens.addAndGet(delta.tokenIds().length);
            }
            if (event instanceof GenerationEvent.Finished || event instanceof GenerationEvent.Failed) {
                if (--open == 0) {
                    ended = true;
                    events.add(END);
                }
            }
        }
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
    public GenerationEvent next() throws InterruptedException {
        if (drained) {
            return null;
        }
        return unlessEnd(events.take());
    }

    @Override
    public GenerationEvent poll(long timeout, TimeUnit unit) throws InterruptedException {
        if (drained) {
            return null;
        }
        return unlessEnd(events.poll(timeout, unit));
    }

    private GenerationEvent unlessEnd(GenerationEvent event) {
        if (event == END) {
            drained = true;
            return null;
        }
        return event;
    }

    @Override
    public boolean done() {
        return drained || (ended && events.size() == 1 && events.peek() == END);
    }

    @Override
    public void cancel() {
        if (!ended) {
            engine.abort(this);
        }
    }

    @Override
    public Usage usage() {
        int prompt = 0;
        for (PromptTokens p : prompts) {
            prompt += p.tokenIds().length;
        }
        return new Usage(prompt, completionTokens.get());
    }
}
