package dev.vela.application.engine;

import dev.vela.application.port.in.EngineStatus;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.Generation.PromptTokens;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.application.port.out.EngineObserver;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.Tokenizer;
import dev.vela.application.structured.CompiledGrammar;
import dev.vela.application.structured.StructuredOutputs;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.error.RunnerFailedException;
import dev.vela.domain.generation.FinishReason;
import dev.vela.domain.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The generation engine: one platform thread that steps every running sequence through the
 * {@link ModelRunner} together (continuous batching), samples their next tokens and hands each
 * request its events. Requests arrive from any thread; everything else happens on the engine
 * thread.
 *
 * <p>No single request can stop the engine: whatever throws while a request's command runs, while
 * its sequences are scheduled, fed, sampled or detokenized, or while their runner state is
 * released, ends only the sequences involved, each with a {@link GenerationEvent.Failed}, and the
 * thread goes on serving the others. The one exception is the runner itself failing for good
 * ({@link RunnerFailedException}): then every request fails with its error, the engine reports
 * itself unhealthy, takes no more requests, and tells its observers so that the server restarts.
 */
public final class Engine implements EngineStatus, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Engine.class.getName());
    private static final double NANOS = 1e9;

    private final ModelRunner runner;
    private final GuardedObservers observer;
    private final Tokenizer tokenizer;
    private final KvBlockManager blocks;
    private final Scheduler scheduler;
    private final StructuredOutputs structuredOutputs;
    /** A sampler per thread that samples: rows of logits arrive on the runner's threads ({@link StepSink}). */
    private final ThreadLocal<Sampler> samplers;
    private final LinkedBlockingQueue<Command> inbox = new LinkedBlockingQueue<>();
    private final AtomicLong sequenceIds = new AtomicLong();
    /** Sequences that ended; their runner state is released between forward passes, never during one. */
    private final List<Sequence> ended = new ArrayList<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile RunnerFailedException runnerFailure;
    private volatile int running;
    private volatile int waiting;
    private volatile double kvUsage;
    private int stepPromptTokens;
    private int stepGeneratedTokens;

    /**
     * Sets up the runner's KV cache and starts the engine thread.
     *
     * @param observers told what the engine does (metrics); none is fine
     * @throws IllegalArgumentException when the KV cache cannot hold one sequence of
     *                                  {@code maxModelLen} tokens
     */
    public Engine(ModelRunner runner, Tokenizer tokenizer, EngineConfig config, List<EngineObserver> observers) {
        this.runner = runner;
        this.observer = new GuardedObservers(observers);
        this.tokenizer = tokenizer;
        int numBlocks = runner.allocateKvCache(config.blockSize(), config.kvCacheMemoryBytes());
        long capacity = (long) numBlocks * config.blockSize();
        if (capacity < config.maxModelLen()) {
            throw new IllegalArgumentException("The model's max seq len (" + config.maxModelLen()
                    + ") is larger than the maximum number of tokens that can be stored in KV cache (" + capacity
                    + "). Try increasing --kv-cache-memory or decreasing --max-model-len.");
        }
        this.blocks = new KvBlockManager(numBlocks, config.blockSize(),
                config.prefixCaching() && runner.info().pagedKvCache());
        this.scheduler = new Scheduler(config, blocks, observer);
        int vocabulary = runner.info().vocabularySize();
        int tokens = tokenizer.size();
        this.samplers = ThreadLocal.withInitial(() -> new Sampler(vocabulary, tokens));
        this.structuredOutputs = new StructuredOutputs(tokenizer, vocabulary);
        this.thread = Thread.ofPlatform().name("vela-engine").daemon(true).start(this::loop);
    }

    /**
     * One prompt of a request and how to sample its choices ({@code max_tokens} resolved); with a
     * reasoning parser, {@code reasoning} names its markers (null: none), so that a structured
     * output constrains only the answer after the reasoning.
     */
    public record PromptRequest(PromptTokens prompt, SamplingParams sampling, ReasoningMarkers reasoning) {
        public PromptRequest(PromptTokens prompt, SamplingParams sampling) {
            this(prompt, sampling, null);
        }
    }

    /** Something for the engine thread to do on behalf of a request (null: on behalf of none). */
    private record Command(EngineRequest request, Runnable action) {
    }

    /**
     * Starts generating {@code sequencesPerPrompt} choices for each prompt; choice
     * {@code promptIndex * sequencesPerPrompt + i} is the i-th of a prompt.
     *
     * @throws InvalidRequestException when a prompt has no tokens, when a prompt's sampling
     *                                 leaves no token that could ever be sampled, or when its
     *                                 structured output cannot be compiled
     */
    public Generation submit(List<PromptRequest> prompts, int sequencesPerPrompt, int[] eosIds, boolean cumulativeLogprob) {
        if (closed) {
            throw new IllegalStateException("the engine has stopped");
        }
        RunnerFailedException failure = runnerFailure;
        if (failure != null) {
            throw new IllegalStateException("the engine has stopped: " + failure.getMessage(), failure);
        }
        for (PromptRequest prompt : prompts) {
            if (prompt.prompt().tokenIds().length == 0) {
                throw new InvalidRequestException("The decoder prompt cannot be empty");
            }
        }
        EngineRequest request = new EngineRequest(this,
                prompts.stream().map(PromptRequest::prompt).toList(), sequencesPerPrompt, cumulativeLogprob);
        for (int p = 0; p < prompts.size(); p++) {
            PromptRequest prompt = prompts.get(p);
            CompiledGrammar grammar = prompt.sampling().structuredOutput() == null ? null
                    : structuredOutputs.compile(prompt.sampling().structuredOutput());
            for (int i = 0; i < sequencesPerPrompt; i++) {
                request.opened(new Sequence(sequenceIds.incrementAndGet(), p * sequencesPerPrompt + i, request,
                        prompt.prompt().tokenIds(), prompt.sampling(), eosIds, tokenizer, i == 0, grammar,
                        prompt.reasoning()));
            }
        }
        inbox.add(new Command(request, () -> request.sequences.forEach(scheduler::add)));
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
        return kvUsage;
    }

    @Override
    public boolean healthy() {
        return thread.isAlive() && !closed && runnerFailure == null;
    }

    /**
     * Ends every choice of the request that is still running or waiting; the engine thread takes
     * it before its next step, so a running choice gets at most the tokens of the step under way.
     */
    void abort(EngineRequest request) {
        inbox.add(new Command(request, () -> {
            for (Sequence sequence : request.sequences) {
                if (!sequence.finished()) {
                    List<GenerationEvent> events;
                    try {
                        events = sequence.stop(FinishReason.ABORT);
                    } catch (RuntimeException | Error e) {
                        fail(sequence, e);
                        continue;
                    }
                    end(sequence, events);
                }
            }
        }));
    }

    private void loop() {
        while (!closed) {
            try {
                if (scheduler.hasWork()) {
                    Command command;
                    while ((command = inbox.poll()) != null) {
                        perform(command);
                    }
                } else {
                    perform(inbox.take());
                }
                releaseEnded();                 // what commands (aborts) ended, before the next pass
                if (scheduler.hasWork()) {
                    step();
                }
                releaseEnded();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException | Error e) {
                // every known failure is caught where its sequences are known; this keeps the thread alive for the rest
                LOG.log(Level.SEVERE, "The engine loop failed outside any one request; it goes on", e);
            }
            publishStatus();
        }
    }

    /** Runs a command; one that throws fails the request it was for, and nothing else. */
    private void perform(Command command) {
        try {
            command.action().run();
        } catch (RuntimeException | Error e) {
            if (command.request() == null) {
                throw e;
            }
            for (Sequence sequence : command.request().sequences) {
                if (!sequence.finished()) {
                    fail(sequence, e);
                }
            }
        }
    }

    private void publishStatus() {
        running = scheduler.runningCount();
        waiting = scheduler.waitingCount();
        kvUsage = blocks.usage();
    }

    private void step() {
        if (runnerFailure != null) {            // requests that arrived as the runner failed
            runnerFailed(runnerFailure);
            return;
        }
        Scheduler.Step step;
        try {
            step = scheduler.schedule();
        } catch (RuntimeException | Error e) {
            // the scheduler's own bookkeeping failed, not one sequence's: none of its queues can be trusted
            for (Sequence sequence : scheduler.sequences()) {
                fail(sequence, e);
            }
            return;
        }
        for (Scheduler.Failure failure : step.failed()) {
            fail(failure.sequence(), failure.error());
        }
        for (Sequence preempted : step.preempted()) {
            try {
                runner.release(preempted.id);   // its KV is recomputed when it is admitted again
            } catch (RuntimeException | Error e) {
                fail(preempted, e);             // its runner state is unknown, so it cannot be recomputed
            }
        }
        for (Sequence unservable : step.unservable()) {
            fail(unservable, new InvalidRequestException("The request needs " + unservable.totalLength()
                    + " positions in the KV cache, more than it can hold (" + blocks.totalBlocks() * blocks.blockSize()
                    + "). Reduce the length of the input or the output.", "max_tokens"));
        }
        publishStatus();
        if (step.scheduled().isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        stepPromptTokens = 0;
        stepGeneratedTokens = 0;
        for (Scheduler.Scheduled s : step.scheduled()) {
            if (s.sequence().firstScheduledNanos == 0) {
                s.sequence().firstScheduledNanos = now;
            }
        }
        try {
            run(step.scheduled());
        } catch (RunnerFailedException e) {
            runnerFailed(e);
        } catch (RuntimeException | Error e) {
            retryOneByOne(step.scheduled(), e);
        }
        observer.stepped(stepPromptTokens, stepGeneratedTokens);
    }

    private void run(List<Scheduler.Scheduled> scheduled) {
        StepSink sink = new StepSink(scheduled);
        try {
            runner.execute(scheduled.stream().map(Scheduler.Scheduled::slice).toList(), sink::accept, true);
        } finally {
            sink.apply();                       // what was sampled before a failure still counts
        }
        for (Scheduler.Scheduled s : scheduled) {
            Sequence sequence = s.sequence();
            sequence.computed = Math.max(sequence.computed, s.slice().endPosition());
            try {
                if (blocks.holds(sequence.id)) {
                    blocks.computed(sequence.id, sequence, sequence.computed);
                }
            } catch (RuntimeException | Error e) {
                fail(sequence, e);
            }
        }
    }

    /**
     * A failed batch is rerun sequence by sequence, so only the sequences that fail again see an
     * error. A sequence that already sampled in the failed batch is not fed again.
     */
    private void retryOneByOne(List<Scheduler.Scheduled> scheduled, Throwable batchError) {
        LOG.log(Level.WARNING, "A forward pass failed; retrying its sequences one by one", batchError);
        for (Scheduler.Scheduled s : scheduled) {
            Sequence sequence = s.sequence();
            if (sequence.finished() || sequence.totalLength() > s.slice().endPosition()) {
                continue;
            }
            try {
                run(List.of(s));
            } catch (RunnerFailedException e) {
                runnerFailed(e);
                return;
            } catch (RuntimeException | Error e) {
                fail(sequence, e);
            }
        }
    }

    /** The runner can run nothing more: every sequence fails with its error, and nothing new is taken. */
    private void runnerFailed(RunnerFailedException error) {
        boolean first = runnerFailure == null;
        runnerFailure = error;
        if (first) {
            LOG.log(Level.SEVERE, "The model runner failed; the engine stops serving", error);
        }
        for (Sequence sequence : scheduler.sequences()) {
            fail(sequence, error);
        }
        if (first) {
            observer.runnerFailed(error);
        }
    }

    /** What one row of logits decided: a sampled token, a prompt token's logprob, or an error. */
    private record Outcome(int slice, int position, Sequence sequence, Sampler.Sample sample, boolean prompt,
                           Throwable error) {
    }

    /**
     * The rows of one forward pass. Sampling (a few passes over the vocabulary per row) happens on
     * whichever runner thread hands the row over, in parallel (rows may come in any order); it reads a sequence's state and
     * advances only its own generator. What the samples change (outputs, events, the end of a
     * sequence) is applied afterwards on the engine thread, in batch and position order.
     */
    private final class StepSink {

        private final List<Scheduler.Scheduled> scheduled;
        private final List<Outcome> outcomes = new ArrayList<>();

        StepSink(List<Scheduler.Scheduled> scheduled) {
            this.scheduled = scheduled;
        }

        void accept(int slice, int position, float[] logits) {
            Outcome outcome = decide(slice, scheduled.get(slice).sequence(), position, logits);
            if (outcome != null) {
                synchronized (outcomes) {
                    outcomes.add(outcome);
                }
            }
        }

        void apply() {
            outcomes.sort(Comparator.comparingInt(Outcome::slice).thenComparingInt(Outcome::position));
            for (Outcome outcome : outcomes) {
                Sequence sequence = outcome.sequence();
                if (sequence.finished()) {
                    continue;
                }
                if (outcome.error() != null) {
                    fail(sequence, outcome.error());
                    continue;
                }
                try {
                    if (outcome.prompt()) {
                        sequence.addPromptLogprob(outcome.position(), outcome.sample());
                        continue;
                    }
                    List<GenerationEvent> events = sequence.accept(outcome.sample());
                    observeToken(sequence);
                    if (sequence.finished()) {
                        end(sequence, events);
                    } else {
                        sequence.request.emit(events);
                    }
                } catch (RuntimeException | Error e) {
                    fail(sequence, e);
                }
            }
        }
    }

    /** One row of logits: a prompt position's (prompt logprobs) or the last position's (the next token). */
    private Outcome decide(int slice, Sequence sequence, int position, float[] logits) {
        if (sequence.finished()) {
            return null;
        }
        try {
            if (position < sequence.promptLength() - 1) {
                if (!sequence.wantsPromptLogprobs()) {
                    return null;
                }
                Sampler.Sample sample = samplers.get().logprobsOf(sequence.tokenAt(position + 1), logits,
                        sequence.promptLogprobCount());
                return new Outcome(slice, position, sequence, sample, true, null);
            }
            if (position != sequence.totalLength() - 1) {
                return null;
            }
            if (sequence.constrained()) {
                sequence.restrict(logits);      // here, on the runner's thread, beside the sampling
            }
            Integer logprobs = sequence.sampling.params.logprobs();
            int forced = sequence.forcedToken();
            Sampler.Sample sample = forced >= 0
                    ? samplers.get().logprobsOf(forced, logits, logprobs == null ? 0 : logprobs)
                    : samplers.get().sample(logits, sequence.sampling, sequence.outputLength(), logprobs == null ? 0 : logprobs);
            return new Outcome(slice, position, sequence, sample, false, null);
        } catch (RuntimeException | Error e) {
            return new Outcome(slice, position, sequence, null, false, e);
        }
    }

    private void observeToken(Sequence sequence) {
        long now = System.nanoTime();
        stepGeneratedTokens++;
        if (sequence.lastTokenNanos == 0) {
            // a prompt counts once, whole, when it has been prefilled (cached blocks included), as vLLM counts it
            stepPromptTokens += sequence.promptLength();
            observer.firstToken((now - sequence.arrivedNanos) / NANOS);
        } else {
            observer.interToken((now - sequence.lastTokenNanos) / NANOS);
        }
        sequence.lastTokenNanos = now;
    }

    /** Ends a sequence with an error for its request; nothing else is touched. */
    private void fail(Sequence sequence, Throwable error) {
        if (!(error instanceof InvalidRequestException || error instanceof RunnerFailedException)) {
            LOG.log(Level.WARNING, "Sequence " + sequence.id + " failed", error);
        }
        RuntimeException reported = error instanceof RuntimeException runtime ? runtime
                : new IllegalStateException("The engine failed while serving this request: " + error, error);
        sequence.abandon();
        end(sequence, List.of(new GenerationEvent.Failed(sequence.choice, reported)));
    }

    private void end(Sequence sequence, List<GenerationEvent> events) {
        try {
            scheduler.remove(sequence);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "Could not take sequence " + sequence.id + " out of the scheduler", e);
        }
        ended.add(sequence);
        publishStatus();                        // a client that sees the end sees the freed blocks too
        sequence.request.emit(events);
        GenerationEvent last = events.getLast();
        if (last instanceof GenerationEvent.Finished finished) {
            long now = System.nanoTime();
            double queue = sequence.firstScheduledNanos == 0 ? (now - sequence.arrivedNanos) / NANOS
                    : (sequence.firstScheduledNanos - sequence.arrivedNanos) / NANOS;
            double e2e = (now - sequence.arrivedNanos) / NANOS;
            observer.finished(finished.reason(), queue, e2e, sequence.promptLength(), sequence.outputLength());
        }
    }

    private void releaseEnded() {
        for (Sequence sequence : ended) {
            try {
                runner.release(sequence.id);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "Could not release sequence " + sequence.id, e);
            }
        }
        ended.clear();
    }

    @Override
    public void close() {
        closed = true;
        inbox.add(new Command(null, () -> { }));
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
