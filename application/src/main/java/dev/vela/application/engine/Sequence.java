package dev.vela.application.engine;

import dev.vela.application.port.in.GenerationEvent;
import dev.vela.application.port.in.TokenLogprob;
import dev.vela.application.port.out.Tokenizer;
import dev.vela.application.structured.CompiledGrammar;
import dev.vela.application.structured.GrammarMatcher;
import dev.vela.domain.generation.FinishReason;
import dev.vela.domain.sampling.SamplingParams;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One choice of a request as the engine runs it: its prompt and output ids, how many of them are
 * in the KV cache, and its output side (detokenizer, stop strings, what the stream has been sent).
 */
final class Sequence {

    final long id;
    final int choice;
    final EngineRequest request;
    final SequenceSampling sampling;
    private final int[] promptIds;
    private int[] outputIds = new int[16];
    private int outputLength;
    /** Tokens whose keys and values are in the KV cache. */
    int computed;
    /** When the request arrived, when the sequence first ran, when it last produced a token (System.nanoTime). */
    final long arrivedNanos = System.nanoTime();
    long firstScheduledNanos;
    long lastTokenNanos;
    private final int maxTokens;
    private final Tokenizer tokenizer;
    private final IncrementalDetokenizer detokenizer;
    private final StopStrings stopStrings;
    private int textEnd = -1;
    private int sentChars;
    private final List<TokenLogprob> pendingLogprobs = new ArrayList<>();
    /** Alternatives to report per prompt position, or -1 when this sequence reports no prompt logprobs. */
    private final int promptLogprobCount;
    private final List<TokenLogprob> promptLogprobs = new ArrayList<>();
    private boolean promptLogprobsSent;
    private int pendingTokensFrom;
    private double cumulativeLogprob;
    private FinishReason finishReason;
    private Object stopReason;
    private final ReasoningBudget reasoningBudget;
    /** What the output must match (null: free text), and from when: see {@link #constrained()}. */
    private final GrammarMatcher grammar;
    private final int[] eosIds;
    private final ReasoningMarkers reasoning;
    private boolean reasoningEnded;

    /**
     * @param reportsPromptLogprobs whether this sequence computes its prompt's logprobs (one
     *                              sequence per prompt does, when they are asked for)
     */
    Sequence(long id, int choice, EngineRequest request, int[] promptIds, SamplingParams params,
             int[] eosIds, Tokenizer tokenizer, boolean reportsPromptLogprobs) {
        this(id, choice, request, promptIds, params, eosIds, tokenizer, reportsPromptLogprobs, null, null);
    }

    /**
     * @param grammar   what the output must match, or null for free text
     * @param reasoning with a reasoning parser, the markers around the reasoning, which stays free:
     *                  the grammar starts after its end; null without one
     */
    Sequence(long id, int choice, EngineRequest request, int[] promptIds, SamplingParams params,
             int[] eosIds, Tokenizer tokenizer, boolean reportsPromptLogprobs, CompiledGrammar grammar,
             ReasoningMarkers reasoning) {
        this.id = id;
        this.choice = choice;
        this.request = request;
        this.promptIds = promptIds.clone();
        this.maxTokens = params.maxTokens();
        this.tokenizer = tokenizer;
        this.sampling = new SequenceSampling(params, choice, promptIds, eosIds,
                params.logprobs() != null || request.wantsCumulativeLogprob());
        this.detokenizer = new IncrementalDetokenizer(tokenizer, params.skipSpecialTokens());
        this.stopStrings = new StopStrings(params.stop(), params.includeStopStrInOutput());
        this.reasoningBudget = ReasoningBudget.of(params, promptIds, tokenizer);
        this.promptLogprobCount = reportsPromptLogprobs && params.promptLogprobs() != null
                ? params.promptLogprobs() : -1;
        this.grammar = grammar == null ? null : grammar.matcher();
        this.eosIds = eosIds.clone();
        this.reasoning = reasoning;
        this.reasoningEnded = reasoning == null || reasoning.endedIn(promptIds);
        if (promptLogprobCount >= 0) {
            byte[] first = tokenizer.tokenBytes(promptIds[0]);
            promptLogprobs.add(TokenLogprob.unscored(promptIds[0], text(first), first));
        }
    }

    /** True while the logits at prompt positions are wanted (they give the prompt's logprobs). */
    boolean wantsPromptLogprobs() {
        return promptLogprobCount >= 0 && promptLogprobs.size() < promptIds.length;
    }

    int promptLogprobCount() {
        return promptLogprobCount;
    }

    /** Records the logprob of the prompt token after {@code position}; a repeated position is ignored. */
    void addPromptLogprob(int position, Sampler.Sample sample) {
        if (promptLogprobs.size() == position + 1) {
            promptLogprobs.add(logprobOf(sample));
        }
    }

    int promptLength() {
        return promptIds.length;
    }

    int outputLength() {
        return outputLength;
    }

    int totalLength() {
        return promptIds.length + outputLength;
    }

    int tokenAt(int position) {
        return position < promptIds.length ? promptIds[position] : outputIds[position - promptIds.length];
    }

    /** The ids from {@code from} to the end of the sequence. */
    int[] tokens(int from, int to) {
        int[] ids = new int[to - from];
        for (int i = from; i < to; i++) {
            ids[i - from] = tokenAt(i);
        }
        return ids;
    }

    boolean finished() {
        return finishReason != null;
    }

    /** The token the reasoning budget makes the next step take, or -1 when the sampler chooses. */
    int forcedToken() {
        return reasoningBudget == null ? -1 : reasoningBudget.forcedToken();
    }

    /** True while the next token must fit the grammar: there is one, and any reasoning has ended. */
    boolean constrained() {
        return grammar != null && reasoningEnded;
    }

    /**
     * Masks the logits of every token the grammar forbids next (end-of-sequence included, until
     * the grammar may end). Called on a runner thread, before sampling: the logprobs reported are
     * those of the masked distribution, as in vLLM.
     */
    void restrict(float[] logits) {
        grammar.restrict(logits, eosIds);
    }

    /**
     * Takes a sampled token, decides whether the sequence ends and returns what the client may see
     * now (an empty list when there is nothing new to tell).
     */
    List<GenerationEvent> accept(Sampler.Sample sample) {
        GenerationEvent promptEvent = null;
        if (promptLogprobCount >= 0 && !promptLogprobsSent) {
            promptLogprobsSent = true;
            promptEvent = new GenerationEvent.PromptLogprobs(choice, List.copyOf(promptLogprobs));
        }
        int token = sample.token();
        if (outputLength == outputIds.length) {
            outputIds = Arrays.copyOf(outputIds, outputLength * 2);
        }
        outputIds[outputLength++] = token;
        sampling.outputTokens.add(token);
        if (reasoningBudget != null) {
            reasoningBudget.accept(token, tokenizer.tokenBytes(token));
        }
        boolean grammarComplete = false;
        if (constrained()) {
            grammar.accept(token);
            grammarComplete = grammar.complete();
        } else if (reasoning != null && token == reasoning.endId()) {
            reasoningEnded = true;
        }
        cumulativeLogprob += sample.logprob();
        if (sampling.params.logprobs() != null) {
            pendingLogprobs.add(logprobOf(sample));
        }

        boolean stopToken = outputLength >= sampling.params.minTokens() && isStopId(token);
        int newChars = 0;
        if (!stopToken || (sampling.params.includeStopStrInOutput() && !isEos(token))) {
            newChars = detokenizer.add(token);
        }
        if (outputLength > sampling.params.minTokens()) {
            StopStrings.Match match = stopStrings.find(detokenizer.text(), newChars);
            if (match != null) {
                textEnd = match.truncateTo();
                finish(FinishReason.STOP, match.stop());
            }
        }
        if (!finished() && stopToken) {
            finish(FinishReason.STOP, isEos(token) ? null : token);
        }
        if (!finished() && grammarComplete) {
            finish(FinishReason.STOP, null);    // no byte can follow: the answer is whole
        }
        if (!finished() && outputLength >= maxTokens) {
            finish(FinishReason.LENGTH, null);
        }
        List<GenerationEvent> events = drainEvents();
        if (promptEvent != null) {
            events.addFirst(promptEvent);           // the prompt's logprobs come before the choice's first delta
        }
        return events;
    }

    /** Ends the sequence from outside (cancelled, or the context is full). */
    List<GenerationEvent> stop(FinishReason reason) {
        finish(reason, null);
        return drainEvents();
    }

    /**
     * Ends the sequence after a failure, without touching its detokenizer or stop strings: they
     * may be what failed, and a failed sequence reports an error rather than text.
     */
    void abandon() {
        if (finishReason == null) {
            finishReason = FinishReason.ABORT;
        }
    }

    private void finish(FinishReason reason, Object why) {
        if (finishReason != null) {
            return;
        }
        finishReason = reason;
        stopReason = why;
        if (textEnd < 0) {
            detokenizer.flush();
        }
    }

    /** What the client may see now, in a list the caller may add to. */
    private List<GenerationEvent> drainEvents() {
        StringBuilder text = detokenizer.text();
        int end;
        if (finished()) {
            end = textEnd >= 0 ? textEnd : text.length();
        } else {
            end = text.length() - stopStrings.holdBack();
            if (end > 0 && end < text.length() && Character.isLowSurrogate(text.charAt(end))) {
                end--;
            }
        }
        List<GenerationEvent> events = new ArrayList<>(2);
        boolean newTokens = pendingTokensFrom < outputLength;
        if (end > sentChars || (newTokens && (finished() || !pendingLogprobs.isEmpty()))) {
            String delta = end > sentChars ? text.substring(sentChars, end) : "";
            sentChars = Math.max(sentChars, end);
            int[] ids = Arrays.copyOfRange(outputIds, pendingTokensFrom, outputLength);
            pendingTokensFrom = outputLength;
            events.add(new GenerationEvent.Delta(choice, delta, ids, List.copyOf(pendingLogprobs)));
            pendingLogprobs.clear();
        }
        if (finished()) {
            events.add(new GenerationEvent.Finished(choice, finishReason, stopReason, outputLength, cumulativeLogprob));
        }
        return events;
    }

    private boolean isStopId(int token) {
        for (int id : sampling.stopIds) {
            if (id == token) {
                return true;
            }
        }
        return false;
    }

    private boolean isEos(int token) {
        return !sampling.params.stopTokenIds().contains(token);
    }

    private TokenLogprob logprobOf(Sampler.Sample sample) {
        List<TokenLogprob.Candidate> top = new ArrayList<>();
        if (sample.topIds() != null) {
            for (int i = 0; i < sample.topIds().length; i++) {
                int id = sample.topIds()[i];
                byte[] bytes = tokenizer.tokenBytes(id);
                top.add(new TokenLogprob.Candidate(id, text(bytes), bytes, sample.topLogprobs()[i], i + 1));
            }
        }
        byte[] bytes = tokenizer.tokenBytes(sample.token());
        return new TokenLogprob(sample.token(), text(bytes), bytes, TokenLogprob.clamp(sample.logprob()), sample.rank(), top);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
