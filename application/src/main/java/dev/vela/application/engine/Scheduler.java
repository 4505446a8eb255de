package dev.vela.application.engine;

import dev.vela.application.port.out.SequenceSlice;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides which tokens run in the next engine step, first come, first served: every running
 * sequence continues (one token to decode, or the next chunk of its prompt), then waiting
 * sequences are admitted while {@code --max-num-seqs}, {@code --max-num-batched-tokens} and the
 * free KV blocks allow. A prompt longer than the step's token budget is prefilled in chunks, so
 * running decodes never stall. When a running sequence needs a block and none is free, the most
 * recently admitted sequence is preempted: it gives its blocks back and is recomputed later.
 */
final class Scheduler {

    private final EngineConfig config;
    private final KvBlockManager blocks;
    private final GuardedObservers observer;
    private final ArrayDeque<Sequence> waiting = new ArrayDeque<>();
    private final List<Sequence> running = new ArrayList<>();

    Scheduler(EngineConfig config, KvBlockManager blocks, GuardedObservers observer) {
        this.config = config;
        this.blocks = blocks;
        this.observer = observer;
    }

    /** A sequence and the slice of it that runs in this step. */
    record Scheduled(Sequence sequence, SequenceSlice slice) {
    }

    /**
     * What one step runs, the sequences it preempted, those it gave up on (a sequence whose tokens
     * need more blocks than the whole cache has can never run), and those that could not be
     * scheduled at all because something about them threw; the last two are out of the queues.
     */
    record Step(List<Scheduled> scheduled, List<Sequence> preempted, List<Sequence> unservable,
                List<Failure> failed) {
    }

    /** A sequence that scheduling could not handle, and why. */
    record Failure(Sequence sequence, RuntimeException error) {
    }

    void add(Sequence sequence) {
        waiting.add(sequence);
    }

    /** Takes a sequence out of the queues and frees its blocks. */
    void remove(Sequence sequence) {
        if (!running.remove(sequence)) {
            waiting.remove(sequence);
        }
        blocks.free(sequence.id);
    }

    /** Every sequence the scheduler holds, running first. */
    List<Sequence> sequences() {
        List<Sequence> all = new ArrayList<>(running);
        all.addAll(waiting);
        return all;
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

    Step schedule() {
        List<Scheduled> step = new ArrayList<>(running.size() + 1);
        List<Sequence> preempted = new ArrayList<>();
        List<Sequence> unservable = new ArrayList<>();
        List<Failure> failed = new ArrayList<>();
        int budget = config.maxNumBatchedTokens();
        for (int i = 0; i < running.size() && budget > 0; i++) {
            Sequence sequence = running.get(i);
            try {
                int end = Math.min(sequence.totalLength(), sequence.computed + budget);
                Sequence victim = null;
                while (victim != sequence && !blocks.canHold(sequence.id, end)) {
                    victim = preemptNewest();       // at worst the sequence itself
                    preempted.add(victim);
                }
                if (victim == sequence) {
                    break;                          // it preempted itself: nothing after it can run either
                }
                blocks.grow(sequence.id, end);
                budget -= add(step, sequence, end);
            } catch (RuntimeException e) {
                int at = drop(sequence);
                if (at >= 0 && at <= i) {
                    i--;
                }
                failed.add(new Failure(sequence, e));
            }
        }
        while (budget > 0 && !waiting.isEmpty() && running.size() < config.maxNumSeqs() && preempted.isEmpty()) {
            Sequence next = waiting.peekFirst();
            try {
                int wholeBlocks = KvBlockManager.blocksFor(next.totalLength(), blocks.blockSize());
                if (wholeBlocks > blocks.totalBlocks()) {
                    waiting.removeFirst();
                    unservable.add(next);
                    continue;
                }
                if (wholeBlocks > blocks.freeBlocks()) {
                    break;                          // first come, first served: wait for blocks to free up
                }
                waiting.removeFirst();
                int cachedTokens = blocks.admit(next.id, next);
                observer.prefixCacheLookup(next.totalLength(), cachedTokens);
                next.computed = cachedTokens;
                int end = Math.min(next.totalLength(), next.computed + budget);
                blocks.grow(next.id, next.totalLength());
                running.add(next);
                budget -= add(step, next, end);
            } catch (RuntimeException e) {
                drop(next);
                failed.add(new Failure(next, e));
            }
        }
        return new Step(step, preempted, unservable, failed);
    }

    /**
     * Takes a sequence that failed while being scheduled out of the queues and frees its blocks,
     * so the sequences after it still run; returns the index it had among the running, or -1.
     */
    private int drop(Sequence sequence) {
        int at = running.indexOf(sequence);
        if (at >= 0) {
            running.remove(at);
        } else {
            waiting.remove(sequence);
        }
        blocks.free(sequence.id);
        return at;
    }

    /** Sends the most recently admitted running sequence back to wait, its blocks freed; returns it. */
    private Sequence preemptNewest() {
        Sequence sequence = running.removeLast();
        blocks.free(sequence.id);
        sequence.computed = 0;
        waiting.addFirst(sequence);
        observer.preempted();
        return sequence;
    }

    private int add(List<Scheduled> step, Sequence sequence, int end) {
        int from = sequence.computed;
        int logitsFrom;
        if (sequence.wantsPromptLogprobs()) {
            logitsFrom = from;                      // every prompt position: the prompt's own logprobs
        } else {
            logitsFrom = end == sequence.totalLength() ? end - 1 : end;
        }
        step.add(new Scheduled(sequence, new SequenceSlice(sequence.id, sequence.tokens(from, end), from,
                blocks.table(sequence.id), logitsFrom)));
        return end - from;
    }
}
