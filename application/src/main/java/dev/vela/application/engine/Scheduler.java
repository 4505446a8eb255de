package dev.vela.application.engine;

import dev.vela.application.port.out.SequenceSlice;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which tokens run in the next engine step: every running sequence continues (one token
 * to decode, or the next chunk of its prompt), then waiting sequences are admitted first come,
 * first served while {@code --max-num-seqs} and {@code --max-num-batched-tokens} allow. A prompt
 * longer than the step's token budget is prefilled in chunks, so running decodes never stall.
 */
final class Scheduler {

    private final EngineConfig config;
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private final List<Sequence> running = new ArrayList<>();

    Scheduler(EngineConfig config) {
        this.config = config;
    }

    /** A sequence and the slice of it that runs in this step. */
    record Scheduled(Sequence sequence, SequenceSlice slice) {
    }

    void add(Sequence sequence) {
        waiting.add(sequence);
    }

    void remove(Sequence sequence) {
        if (!running.remove(sequence)) {
            waiting.remove(sequence);
        }
    }

    boolean hasWork() {
        return !waiting.isEmpty() || !running.isEmpty();
    }

    int runningCount() {
        return running.size();
    }

    int waitingCount() {
        return waiting.size();
    }

    List<Scheduled> schedule() {
        List<Scheduled> step = new ArrayList<>(running.size() + 1);
        int budget = config.maxNumBatchedTokens();
        for (Sequence sequence : running) {
            if (budget == 0) {
                break;
            }
            budget -= add(step, sequence, budget);
        }
        while (budget > 0 && !waiting.isEmpty() && running.size() < config.maxNumSeqs()) {
            Sequence admitted = waiting.poll();
            running.add(admitted);
            budget -= add(step, admitted, budget);
        }
        return step;
    }

    private static int add(List<Scheduled> step, Sequence sequence, int budget) {
        int from = sequence.computed;
        int to = Math.min(sequence.totalLength(), from + budget);
        int logitsFrom;
        if (sequence.wantsPromptLogprobs()) {
            logitsFrom = from;                      // every prompt position: the prompt's own logprobs
        } else {
            logitsFrom = to == sequence.totalLength() ? to - 1 : to;
        }
        step.add(new Scheduled(sequence, new SequenceSlice(sequence.id, sequence.tokens(from, to), from, new int[0], logitsFrom)));
        return to - from;
    }
}
