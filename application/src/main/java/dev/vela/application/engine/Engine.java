package dev.vela.application.engine;

import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.Generation.PromptTokens;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.SequenceSlice;
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
public final class Engine implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Engine.class.getName());

    private final ModelRunner runner;
    private final Tokenizer tokenizer;
    private final Scheduler scheduler;
    private final Sampler sampler;
    private final LinkedBlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final AtomicLong sequenceIds = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;
    private volatile int running;
    private volatile int waiting;

    public Engine(ModelRunner runner, Tokenizer tokenizer, EngineConfig config) {
        this.runner = runner;
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
                        prompt.prompt().tokenIds(), prompt.sampling(), eosIds, tokenizer));
            }
        }
        inbox.add(() -> request.sequences.forEach(scheduler::add));
        return request;
    }

    /** Sequences in the current step. */
    public int runningCount() {
        return running;
    }

    /** Sequences waiting to be admitted. */
    public int waitingCount() {
        return waiting;
    }

    /** True while the engine thread is alive. */
    public boolean alive() {
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
                running = scheduler.runningCount();
                waiting = scheduler.waitingCount();
                if (scheduler.hasWork()) {
                    step();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void step() {
        List<Scheduler.Scheduled> scheduled = scheduler.schedule();
        running = scheduler.runningCount();
        waiting = scheduler.waitingCount();
        float[][] rows;
        try {
            rows = runner.execute(scheduled.stream().map(Scheduler.Scheduled::slice).toList());
        } catch (RuntimeException e) {
            retryOneByOne(scheduled, e);
            return;
        }
        int row = 0;
        for (Scheduler.Scheduled s : scheduled) {
            advance(s, s.slice().computeLogits() ? rows[row++] : null);
        }
    }

    /** A failed batch is rerun sequence by sequence, so only the sequences that fail again see an error. */
    private void retryOneByOne(List<Scheduler.Scheduled> scheduled, RuntimeException batchError) {
        LOG.log(Level.WARNING, "A forward pass failed; retrying its sequences one by one", batchError);
        for (Scheduler.Scheduled s : scheduled) {
            try {
                float[][] rows = runner.execute(List.of(s.slice()));
                advance(s, s.slice().computeLogits() ? rows[0] : null);
            } catch (RuntimeException e) {
                fail(s.sequence(), e);
            }
        }
    }

    private void advance(Scheduler.Scheduled s, float[] logits) {
        Sequence sequence = s.sequence();
        SequenceSlice slice = s.slice();
        sequence.computed = slice.endPosition();
        if (logits == null) {
            return;
        }
        try {
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
        try {
            runner.release(sequence.id);
        } finally {
            sequence.request.emit(events);
        }
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
