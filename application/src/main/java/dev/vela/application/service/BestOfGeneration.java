package dev.vela.application.service;

import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.domain.generation.Usage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code best_of}: the engine generates {@code best_of} choices per prompt and this returns the
 * {@code n} with the highest cumulative log-probability, as vLLM V0 did. It can only choose once
 * every choice has finished, so its events come all at once at the end, choice after choice.
 */
final class BestOfGeneration implements Generation {

    private final Generation generated;
    private final int n;
    private final int bestOf;
    private final ArrayDeque<GenerationEvent> chosen = new ArrayDeque<>();
    private boolean collected;
    private int completionTokens;

    BestOfGeneration(Generation generated, int n, int bestOf) {
        this.generated = generated;
        this.n = n;
        this.bestOf = bestOf;
    }

    @Override
    public List<PromptTokens> prompts() {
        return generated.prompts();
    }

    @Override
    public int choicesPerPrompt() {
        return n;
    }

    @Override
    public synchronized GenerationEvent next() throws InterruptedException {
        if (!collected) {
            collect();
        }
        return chosen.poll();
    }

    @Override
    public GenerationEvent poll(long timeout, TimeUnit unit) throws InterruptedException {
        return next();
    }

    @Override
    public synchronized boolean done() {
        return collected && chosen.isEmpty();
    }

    @Override
    public void cancel() {
        generated.cancel();
    }

    @Override
    public Usage usage() {
        return new Usage(generated.usage().promptTokens(), completionTokens);
    }

    private void collect() throws InterruptedException {
        int total = generated.prompts().size() * bestOf;
        List<List<GenerationEvent>> byChoice = new ArrayList<>(total);
        double[] cumulative = new double[total];
        for (int i = 0; i < total; i++) {
            byChoice.add(new ArrayList<>());
        }
        GenerationEvent event;
        while ((event = generated.next()) != null) {
            if (event instanceof GenerationEvent.Failed) {
                generated.cancel();
                chosen.add(event);
                collected = true;
                return;
            }
            if (event instanceof GenerationEvent.Finished finished) {
                cumulative[finished.choice()] = finished.cumulativeLogprob();
            }
            byChoice.get(event.choice()).add(event);
        }
        for (int prompt = 0; prompt < generated.prompts().size(); prompt++) {
            int first = prompt * bestOf;
            List<Integer> ranked = new ArrayList<>();
            for (int i = first; i < first + bestOf; i++) {
                ranked.add(i);
            }
            ranked.sort(Comparator.comparingDouble((Integer i) -> -cumulative[i]));
            GenerationEvent promptLogprobs = byChoice.get(first).stream()
                    .filter(e -> e instanceof GenerationEvent.PromptLogprobs).findFirst().orElse(null);
            for (int rank = 0; rank < n; rank++) {
                int index = prompt * n + rank;
                if (rank == 0 && promptLogprobs != null) {
                    chosen.add(promptLogprobs.withChoice(index));
                }
                for (GenerationEvent e : byChoice.get(ranked.get(rank))) {
                    if (!(e instanceof GenerationEvent.PromptLogprobs)) {
                        chosen.add(e.withChoice(index));
                    }
                    if (e instanceof GenerationEvent.Finished f) {
                        completionTokens += f.completionTokens();
                    }
                }
            }
        }
        collected = true;
    }
}
