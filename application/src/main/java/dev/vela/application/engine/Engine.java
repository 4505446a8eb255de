package dev.vela.application.engine;

import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.Generation.PromptTokens;
import dev.vela.application.port.in.EngineStatus;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.application.port.out.EngineObserver;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.Tokenizer;
import dev.vela.domain.generation.FinishReason;
import dev.vela.domain.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The generation engine: one platform thread that steps every running sequence through the
 * {@link ModelRunner} together, samples their next tokens and hands each request its events.
 * Requests arrive from any thread; everything else happens on the engine thread.
 */
public final class Engine implements EngineStatus, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Engine.class.getName());

    private final ModelRunner runner;
    private final List<EngineObserver> observers;
    private final Tokenizer tokenizer;
    private final Scheduler scheduler;
    private final Sampler sampler;
    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final AtomicLong sequenceIds = new AtomicLong();
    /** Sequences that ended; their runner state is released between forward passes, never during one. */
    private final List<Sequence> ended = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile int running;
    private volatile int waiting;

    /**
     * @param observers told what the engine does (metrics); none is fine
     */
    public Engine(ModelRunner runner, Tokenizer tokenizer, EngineConfig config, List<EngineObserver> observers) {
        this.runner = runner;
        this.observers = List.copyOf(observers);
        this.tokenizer = tokenizer;
        this.scheduler = new Scheduler(config);
        this.sampler = new Sampler(runner.info().vocabularySize());
        this.thread = Thread.ofPlatform().name("vela-engine").daemon(true).start(this::loop);
    }

    /** One prompt of a request and how to sample its choices ({@code max_tokens} resolved). */
    public record PromptRequest(PromptTokens prompt, SamplingParams sampling) {
    }

    /**
     * Starts generating {@code sequencesPerPrompt} choices for each prompt; choice
     * {@code promptIndex * sequencesPerPrompt + i} is the i-th of a prompt.
     */
    public Generation submit(List<PromptRequest> prompts, int sequencesPerPrompt, int[] eosIds, boolean cumulativeLogprob) {
        if (closed) {
            throw new IllegalStateException("the engine has stopped");
        }
        EngineRequest request = new EngineRequest(this,
                prompts.stream().map(PromptRequest::prompt).toList(), sequencesPerPrompt, cumulativeLogprob);
        for (int p = 0; p < prompts.size(); p++) {
            PromptRequest prompt = prompts.get(p);
            for (int i = 0; i < sequencesPerPrompt; i++) {
                request.opened(new Sequence(sequenceIds.incrementAndGet(), p * sequencesPerPrompt + i, request,
                        prompt.prompt().tokenIds(), prompt.sampling(), eosIds, tokenizer, i == 0));
            }
        }
        inbox.add(() -> request.sequences.forEach(scheduler::add));
        return request;
    }

    @Override
    public int runningCount() {
        return running;
    }

    @Override
    public int waitingCount() {
        return waiting;
    }

    @Override
    public double kvCacheUsage() {
        return 0.0;
    }

    @Override
    public boolean healthy() {
        return thread.isAlive() && !closed;
    }

    void abort(EngineRequest request) {
        inbox.add(() -> {
            for (Sequence sequence : request.sequences) {
                if (!sequence.finished()) {
                    end(sequence, sequence.stop(FinishReason.ABORT));
                }
            }
        });
    }

    private void loop() {
        try {
            while (!closed) {
                if (scheduler.hasWork()) {
                    Runnable command;
                    while ((command = inbox.poll()) != null) {
                        command.run();
                    }
                } else {
                    inbox.take().run();
                }
                releaseEnded();                 // what commands (aborts) ended, before the next pass
                running = scheduler.runningCount();
                waiting = scheduler.waitingCount();
                if (scheduler.hasWork()) {
                    step();
                }
                releaseEnded();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void step() {
        List<Scheduler.Scheduled> scheduled = scheduler.schedule();
        running = scheduler.runningCount();
        waiting = scheduler.waitingCount();
        try {
            run(scheduled);
        } catch (RuntimeException e) {
            retryOneByOne(scheduled, e);
        }
    }

    private void run(List<Scheduler.Scheduled> scheduled) {
        runner.execute(scheduled.stream().map(Scheduler.Scheduled::slice).toList(),
                (slice, position, logits) -> onLogits(scheduled.get(slice).sequence(), position, logits));
        for (Scheduler.Scheduled s : scheduled) {
            s.sequence().computed = Math.max(s.sequence().computed, s.slice().endPosition());
        }
    }

    /**
     * A failed batch is rerun sequence by sequence, so only the sequences that fail again see an
     * error. A sequence that already sampled in the failed batch is not fed again.
     */
    private void retryOneByOne(List<Scheduler.Scheduled> scheduled, RuntimeException batchError) {
        LOG.log(Level.WARNING, "A forward pass failed; retrying its sequences one by one", batchError);
        for (Scheduler.Scheduled s : scheduled) {
            Sequence sequence = s.sequence();
            if (sequence.finished() || sequence.totalLength() > s.slice().endPosition()) {
                continue;
            }
            try {
                run(List.of(s));
            } catch (RuntimeException e) {
                fail(sequence, e);
            }
        }
    }

    /** One row of logits: a prompt position's (prompt logprobs) or the last position's (the next token). */
    private void onLogits(Sequence sequence, int position, float[] logits) {
        if (sequence.finished()) {
            return;
        }
        try {
            if (position < sequence.promptLength() - 1) {
                if (sequence.wantsPromptLogprobs()) {
                    sequence.addPromptLogprob(position, sampler.logprobsOf(sequence.tokenAt(position + 1), logits,
                            sequence.promptLogprobCount()));
                }
                return;
            }
            if (position != sequence.totalLength() - 1) {
                return;
            }
            Integer logprobs = sequence.sampling.params.logprobs();
            Sampler.Sample sample = sampler.sample(logits, sequence.sampling, sequence.outputLength(),
                    logprobs == null ? 0 : logprobs);
            List<GenerationEvent> events = sequence.accept(sample);
            if (sequence.finished()) {
                end(sequence, events);
            } else {
                sequence.request.emit(events);
            }
        } catch (RuntimeException e) {
            fail(sequence, e);
        }
    }

    private void fail(Sequence sequence, RuntimeException error) {
        LOG.log(Level.WARNING, "Sequence " + sequence.id + " failed", error);
        sequence.stop(FinishReason.ABORT);
        end(sequence, List.of(new GenerationEvent.Failed(sequence.choice, error)));
    }

    private void end(Sequence sequence, List<GenerationEvent> events) {
        scheduler.remove(sequence);
        ended.add(sequence);
        sequence.request.emit(events);
    }

    private void releaseEnded() {
        for (Sequence sequence : ended) {
            try {
                runner.release(sequence.id);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "Could not release sequence " + sequence.id, e);
            }
        }
        ended.clear();
    }

    @Override
    public void close() {
        closed = true;
        inbox.add(() -> { });
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
