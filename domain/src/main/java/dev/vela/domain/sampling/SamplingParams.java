package dev.vela.domain.sampling;

import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.structured.OutputConstraint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * How to draw the tokens of one request, validated on construction with vLLM's messages; each
 * error names the request field to fix.
 *
 * <p>Fields the server may default ({@code temperature}, {@code top_p}, {@code top_k},
 * {@code min_p}, {@code repetition_penalty}) may be null here, meaning "not sent";
 * {@link #withDefaults(SamplingDefaults)} fills them in. {@code maxTokens} stays null until the
 * token budget resolves it against the prompt length.
 *
 * <p>{@code structuredOutput} (null: free text) is what the answer must match, token by token;
 * {@code thinkingTokenBudget} (null: unbounded) is how many tokens a reasoning model may spend
 * inside its reasoning before the end of the reasoning is forced.
 */
public record SamplingParams(
        int n,
        Integer bestOf,
        Double temperature,
        Double topP,
        Integer topK,
        Double minP,
        double presencePenalty,
        double frequencyPenalty,
        Double repetitionPenalty,
        Long seed,
        List<String> stop,
        List<Integer> stopTokenIds,
        boolean includeStopStrInOutput,
        boolean ignoreEos,
        Integer maxTokens,
        int minTokens,
        Integer logprobs,
        Integer promptLogprobs,
        Map<Integer, Double> logitBias,
        List<Integer> allowedTokenIds,
        boolean skipSpecialTokens,
        boolean spacesBetweenSpecialTokens,
        OutputConstraint structuredOutput,
        Integer thinkingTokenBudget) {

    /** vLLM's {@code VLLM_MAX_N_SEQUENCES}. */
    public static final int MAX_N = 16384;
    /** vLLM's default {@code --max-logprobs}. */
    public static final int MAX_LOGPROBS = 20;
    /** Below this temperature vLLM samples greedily. */
    public static final double GREEDY_TEMPERATURE = 1e-5;
    private static final double MIN_SAMPLING_TEMPERATURE = 0.01;
    private static final double MAX_LOGIT_BIAS = 100.0;

    public SamplingParams {
        stop = stop == null ? List.of() : List.copyOf(stop);
        stopTokenIds = stopTokenIds == null ? List.of() : List.copyOf(stopTokenIds);
        logitBias = logitBias == null ? Map.of() : clampBias(logitBias);
        allowedTokenIds = allowedTokenIds == null ? null : List.copyOf(allowedTokenIds);
        if (seed != null && seed == -1L) {
            seed = null;
        }
        if (temperature != null && temperature >= GREEDY_TEMPERATURE && temperature < MIN_SAMPLING_TEMPERATURE) {
            temperature = MIN_SAMPLING_TEMPERATURE;
        }
        verify(n, bestOf, temperature, topP, topK, minP, presencePenalty, frequencyPenalty,
                repetitionPenalty, stop, maxTokens, minTokens, logprobs, promptLogprobs, allowedTokenIds);
        if (thinkingTokenBudget != null && thinkingTokenBudget < 0) {
            throw new InvalidRequestException("thinking_token_budget must be a non-negative integer, got "
                    + thinkingTokenBudget + ".", "thinking_token_budget");
        }
        // Checked before greedy sampling switches truncation off, as vLLM does: an out-of-range
        // top_p is the client's mistake whatever the temperature.
        if (temperature != null && temperature < GREEDY_TEMPERATURE) {
            topP = 1.0;
            topK = 0;
            minP = 0.0;
        }
    }

    private static void verify(int n, Integer bestOf, Double temperature, Double topP, Integer topK,
                               Double minP, double presencePenalty, double frequencyPenalty,
                               Double repetitionPenalty, List<String> stop, Integer maxTokens,
                               int minTokens, Integer logprobs, Integer promptLogprobs,
                               List<Integer> allowedTokenIds) {
        if (n < 1) {
            throw new InvalidRequestException("n must be at least 1, got " + n + ".", "n");
        }
        if (n > MAX_N) {
            throw new InvalidRequestException("n must be at most " + MAX_N + ", got " + n + ".", "n");
        }
        if (bestOf != null && bestOf > MAX_N) {
            throw new InvalidRequestException("best_of must be at most " + MAX_N + ", got " + bestOf + ".", "best_of");
        }
        if (bestOf != null && bestOf < n) {
            throw new InvalidRequestException("best_of must be greater than or equal to n, got n="
                    + n + " and best_of=" + bestOf + ".", "best_of");
        }
        if (!(presencePenalty >= -2.0 && presencePenalty <= 2.0)) {
            throw new InvalidRequestException(
                    "presence_penalty must be in [-2, 2], got " + fmt(presencePenalty) + ".", "presence_penalty");
        }
        if (!(frequencyPenalty >= -2.0 && frequencyPenalty <= 2.0)) {
            throw new InvalidRequestException(
                    "frequency_penalty must be in [-2, 2], got " + fmt(frequencyPenalty) + ".", "frequency_penalty");
        }
        if (repetitionPenalty != null && !(repetitionPenalty > 0.0 && Double.isFinite(repetitionPenalty))) {
            throw new InvalidRequestException(
                    "repetition_penalty must be greater than zero, got " + fmt(repetitionPenalty) + ".",
                    "repetition_penalty");
        }
        if (temperature != null && !(temperature >= 0.0 && temperature <= 2.0)) {
            throw new InvalidRequestException(
                    "temperature must be in [0, 2], got " + fmt(temperature) + ".", "temperature");
        }
        if (topP != null && !(topP > 0.0 && topP <= 1.0)) {
            throw new InvalidRequestException("top_p must be in (0, 1], got " + fmt(topP) + ".", "top_p");
        }
        if (topK != null && topK < -1) {
            throw new InvalidRequestException(
                    "top_k must be 0 (disable), or at least 1, got " + topK + ".", "top_k");
        }
        if (minP != null && !(minP >= 0.0 && minP <= 1.0)) {
            throw new InvalidRequestException("min_p must be in [0, 1], got " + fmt(minP) + ".", "min_p");
        }
        if (maxTokens != null && maxTokens < 1) {
            throw new InvalidRequestException("max_tokens must be at least 1, got " + maxTokens + ".", "max_tokens");
        }
        if (minTokens < 0) {
            throw new InvalidRequestException(
                    "min_tokens must be greater than or equal to 0, got " + minTokens + ".", "min_tokens");
        }
        if (maxTokens != null && minTokens > maxTokens) {
            throw new InvalidRequestException("min_tokens must be less than or equal to max_tokens="
                    + maxTokens + ", got " + minTokens + ".", "min_tokens");
        }
        if (logprobs != null && logprobs < -1) {
            throw new InvalidRequestException("logprobs must be non-negative or -1, got " + logprobs + ".", "logprobs");
        }
        if (logprobs != null && logprobs > MAX_LOGPROBS) {
            throw new InvalidRequestException("Requested sample logprobs of " + logprobs
                    + ", which is greater than max allowed: " + MAX_LOGPROBS, "logprobs");
        }
        if (promptLogprobs != null && promptLogprobs < -1) {
            throw new InvalidRequestException("prompt_logprobs must be non-negative or -1, got " + promptLogprobs + ".",
                    "prompt_logprobs");
        }
        if (promptLogprobs != null && promptLogprobs > MAX_LOGPROBS) {
            throw new InvalidRequestException("Requested prompt logprobs of " + promptLogprobs
                    + ", which is greater than max allowed: " + MAX_LOGPROBS, "prompt_logprobs");
        }
        for (String s : stop) {
            if (s == null || s.isEmpty()) {
                throw new InvalidRequestException("stop cannot contain an empty string.", "stop");
            }
        }
        if (allowedTokenIds != null && allowedTokenIds.isEmpty()) {
            throw new InvalidRequestException("allowed_token_ids is not None and empty!", "allowed_token_ids");
        }
        if (temperature != null && temperature < GREEDY_TEMPERATURE) {
            if (n > 1) {
                throw new InvalidRequestException("n must be 1 when using greedy sampling, got " + n + ".", "n");
            }
            if (bestOf != null && bestOf > 1) {
                throw new InvalidRequestException(
                        "best_of must be 1 when using greedy sampling, got " + bestOf + ".", "best_of");
            }
        }
    }

    /**
     * Checks every token id the request names against the model's vocabulary (the embedding rows,
     * which vLLM calls the vocabulary size), and {@code logprobs} / {@code prompt_logprobs} of -1,
     * which ask for the whole vocabulary: more than the 20 allowed, so rejected in vLLM's words.
     */
    public void verifyTokenIds(int vocabularySize) {
        List<Integer> badBias = outOfVocabulary(logitBias.keySet(), vocabularySize);
        if (!badBias.isEmpty()) {
            throw new InvalidRequestException("token_id(s) " + badBias
                    + " in logit_bias contain out-of-vocab token ids. Vocabulary size: " + vocabularySize, "logit_bias");
        }
        List<Integer> badStop = outOfVocabulary(stopTokenIds, vocabularySize);
        if (!badStop.isEmpty()) {
            throw new InvalidRequestException("token_id(s) " + badStop
                    + " in stop_token_ids contain out-of-vocab token ids. Vocabulary size: " + vocabularySize,
                    "stop_token_ids");
        }
        if (allowedTokenIds != null && !outOfVocabulary(allowedTokenIds, vocabularySize).isEmpty()) {
            throw new InvalidRequestException("allowed_token_ids contains out-of-vocab token id!", "allowed_token_ids");
        }
        if (logprobs != null && logprobs == -1) {
            throw new InvalidRequestException("Requested sample logprobs of " + vocabularySize
                    + ", which is greater than max allowed: " + MAX_LOGPROBS, "logprobs");
        }
        if (promptLogprobs != null && promptLogprobs == -1) {
            throw new InvalidRequestException("Requested prompt logprobs of " + vocabularySize
                    + ", which is greater than max allowed: " + MAX_LOGPROBS, "prompt_logprobs");
        }
    }

    private static List<Integer> outOfVocabulary(Iterable<Integer> ids, int vocabularySize) {
        TreeSet<Integer> bad = new TreeSet<>();
        for (int id : ids) {
            if (id < 0 || id >= vocabularySize) {
                bad.add(id);
            }
        }
        return new ArrayList<>(bad);
    }

    private static Map<Integer, Double> clampBias(Map<Integer, Double> bias) {
        Map<Integer, Double> clamped = new LinkedHashMap<>();
        bias.forEach((id, value) -> {
            if (value == null || value.isNaN()) {
                throw new InvalidRequestException("logit_bias values must be numbers, got " + value + ".", "logit_bias");
            }
            clamped.put(id, Math.max(-MAX_LOGIT_BIAS, Math.min(MAX_LOGIT_BIAS, value)));
        });
        return Map.copyOf(clamped);
    }

    /** Formats a number the way vLLM's Python messages print it ({@code 3.0}, {@code -0.5}). */
    private static String fmt(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e16) {
            return (long) value + ".0";
        }
        return Double.toString(value);
    }

    /** These parameters with every field the request left out taken from {@code defaults}, then vLLM's built-ins. */
    public SamplingParams withDefaults(SamplingDefaults defaults) {
        SamplingDefaults d = defaults.orBuiltIn();
        return new SamplingParams(n, bestOf,
                temperature != null ? temperature : d.temperature(),
                topP != null ? topP : d.topP(),
                topK != null ? topK : d.topK(),
                minP != null ? minP : d.minP(),
                presencePenalty, frequencyPenalty,
                repetitionPenalty != null ? repetitionPenalty : d.repetitionPenalty(),
                seed, stop, stopTokenIds, includeStopStrInOutput, ignoreEos,
                maxTokens, minTokens, logprobs, promptLogprobs, logitBias, allowedTokenIds,
                skipSpecialTokens, spacesBetweenSpecialTokens, structuredOutput, thinkingTokenBudget);
    }

    /** These parameters with {@code max_tokens} resolved by the token budget. */
    public SamplingParams withMaxTokens(int resolvedMaxTokens) {
        return new SamplingParams(n, bestOf, temperature, topP, topK, minP, presencePenalty,
                frequencyPenalty, repetitionPenalty, seed, stop, stopTokenIds, includeStopStrInOutput,
                ignoreEos, resolvedMaxTokens, minTokens, logprobs, promptLogprobs, logitBias, allowedTokenIds,
                skipSpecialTokens, spacesBetweenSpecialTokens, structuredOutput, thinkingTokenBudget);
    }

    /** These parameters with the answer constrained by {@code constraint} (tool calls that must be made). */
    public SamplingParams withStructuredOutput(OutputConstraint constraint) {
        return new SamplingParams(n, bestOf, temperature, topP, topK, minP, presencePenalty,
                frequencyPenalty, repetitionPenalty, seed, stop, stopTokenIds, includeStopStrInOutput,
                ignoreEos, maxTokens, minTokens, logprobs, promptLogprobs, logitBias, allowedTokenIds,
                skipSpecialTokens, spacesBetweenSpecialTokens, constraint, thinkingTokenBudget);
    }

    /** These parameters with a reasoning budget (the server's default, for a request that sent none). */
    public SamplingParams withThinkingTokenBudget(Integer budget) {
        return new SamplingParams(n, bestOf, temperature, topP, topK, minP, presencePenalty,
                frequencyPenalty, repetitionPenalty, seed, stop, stopTokenIds, includeStopStrInOutput,
                ignoreEos, maxTokens, minTokens, logprobs, promptLogprobs, logitBias, allowedTokenIds,
                skipSpecialTokens, spacesBetweenSpecialTokens, structuredOutput, budget);
    }

    /** How many sequences are generated: {@code best_of}, or {@code n} when it is not given. */
    public int sequencesToGenerate() {
        return bestOf != null ? bestOf : n;
    }

    /** True when the next token is the most likely one (temperature below 1e-5). */
    public boolean greedy() {
        return temperature != null && temperature < GREEDY_TEMPERATURE;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects request fields one by one; {@link #build()} validates them all. */
    public static final class Builder {
        private int n = 1;
        private Integer bestOf;
        private Double temperature;
        private Double topP;
        private Integer topK;
        private Double minP;
        private double presencePenalty;
        private double frequencyPenalty;
        private Double repetitionPenalty;
        private Long seed;
        private List<String> stop = List.of();
        private List<Integer> stopTokenIds = List.of();
        private boolean includeStopStrInOutput;
        private boolean ignoreEos;
        private Integer maxTokens;
        private int minTokens;
        private Integer logprobs;
        private Integer promptLogprobs;
        private Map<Integer, Double> logitBias = Map.of();
        private List<Integer> allowedTokenIds;
        private boolean skipSpecialTokens = true;
        private boolean spacesBetweenSpecialTokens = true;
        private OutputConstraint structuredOutput;
        private Integer thinkingTokenBudget;

        public Builder n(int value) { n = value; return this; }
        public Builder bestOf(Integer value) { bestOf = value; return this; }
        public Builder temperature(Double value) { temperature = value; return this; }
        public Builder topP(Double value) { topP = value; return this; }
        public Builder topK(Integer value) { topK = value; return this; }
        public Builder minP(Double value) { minP = value; return this; }
        public Builder presencePenalty(double value) { presencePenalty = value; return this; }
        public Builder frequencyPenalty(double value) { frequencyPenalty = value; return this; }
        public Builder repetitionPenalty(Double value) { repetitionPenalty = value; return this; }
        public Builder seed(Long value) { seed = value; return this; }
        public Builder stop(List<String> value) { stop = value; return this; }
        public Builder stopTokenIds(List<Integer> value) { stopTokenIds = value; return this; }
        public Builder includeStopStrInOutput(boolean value) { includeStopStrInOutput = value; return this; }
        public Builder ignoreEos(boolean value) { ignoreEos = value; return this; }
        public Builder maxTokens(Integer value) { maxTokens = value; return this; }
        public Builder minTokens(int value) { minTokens = value; return this; }
        public Builder logprobs(Integer value) { logprobs = value; return this; }
        public Builder promptLogprobs(Integer value) { promptLogprobs = value; return this; }
        public Builder logitBias(Map<Integer, Double> value) { logitBias = value; return this; }
        public Builder allowedTokenIds(List<Integer> value) { allowedTokenIds = value; return this; }
        public Builder skipSpecialTokens(boolean value) { skipSpecialTokens = value; return this; }
        public Builder spacesBetweenSpecialTokens(boolean value) { spacesBetweenSpecialTokens = value; return this; }
        public Builder structuredOutput(OutputConstraint value) { structuredOutput = value; return this; }
        public Builder thinkingTokenBudget(Integer value) { thinkingTokenBudget = value; return this; }

        public SamplingParams build() {
            return new SamplingParams(n, bestOf, temperature, topP, topK, minP, presencePenalty,
                    frequencyPenalty, repetitionPenalty, seed, stop, stopTokenIds,
                    includeStopStrInOutput, ignoreEos, maxTokens, minTokens, logprobs, promptLogprobs, logitBias,
                    allowedTokenIds, skipSpecialTokens, spacesBetweenSpecialTokens, structuredOutput,
                    thinkingTokenBudget);
        }
    }
}
