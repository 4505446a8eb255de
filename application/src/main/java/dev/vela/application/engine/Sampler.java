package dev.vela.application.engine;

import dev.vela.application.port.in.TokenLogprob;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.sampling.SamplingParams;
import java.util.Arrays;
import java.util.Map;

/**
 * Picks the next token from a row of raw logits, in vLLM's order: allowed-token mask and
 * {@code min_tokens} mask, {@code logit_bias}, repetition penalty (prompt and output), frequency
 * and presence penalties (output), then greedy argmax, or temperature, min-p, top-k, top-p and a
 * draw from the request's generator.
 *
 * <p>Selection is linear in the vocabulary ({@link RadixSelect}, no sort), and the only arrays
 * proportional to the vocabulary are this sampler's scratch rows, reused for every token. One
 * sampler serves one thread at a time.
 *
 * <p>Ids at or past the tokenizer's size are never sampled: a model's embedding is padded past its
 * tokenizer (DeepSeek-R1-Distill-Qwen: 152,064 rows, 151,665 tokens), and those rows stand for no
 * text. Log-probabilities still come from the whole raw row.
 *
 * <p>A row it cannot sample from honestly fails instead of yielding a token: any NaN (the model's
 * computation broke), or every token masked to -inf (the request's masks leave nothing). Tokens at
 * +inf are the only candidates, equally likely, as the limit of the softmax says.
 */
final class Sampler {

    private final float[] weights;
    private final int[] candidates;
    private final float[] rawCopy;
    private final int sampleable;
    private final RadixSelect select = new RadixSelect();

    Sampler(int vocabularySize) {
        this(vocabularySize, vocabularySize);
    }

    /** A sampler of rows of {@code vocabularySize} logits that never picks an id at or past {@code tokenizerSize}. */
    Sampler(int vocabularySize, int tokenizerSize) {
        if (tokenizerSize < 1) {
            throw new IllegalArgumentException("a tokenizer of " + tokenizerSize + " tokens leaves nothing to sample");
        }
        this.weights = new float[vocabularySize];
        this.candidates = new int[vocabularySize];
        this.rawCopy = new float[vocabularySize];
        this.sampleable = Math.min(vocabularySize, tokenizerSize);
    }

    /**
     * The chosen token, and when they were asked for its log-probability, its rank (1 = most
     * likely) and the top alternatives, all from the raw logits.
     */
    record Sample(int token, double logprob, int rank, int[] topIds, float[] topLogprobs) {
    }

    /**
     * Samples one token for a sequence that has generated {@code outputLength} tokens so far.
     * {@code logits} is changed in place.
     */
    Sample sample(float[] logits, SequenceSampling seq, int outputLength, int topLogprobCount) {
        int n = logits.length;
        float[] raw = null;
        if (seq.needsLogprobs) {
            System.arraycopy(logits, 0, rawCopy, 0, n);
            raw = rawCopy;
        }
        SamplingParams p = seq.params;
        Arrays.fill(logits, Math.min(sampleable, n), n, Float.NEGATIVE_INFINITY);
        applyAllowedTokens(logits, p);
        if (outputLength < p.minTokens()) {
            for (int id : seq.stopIds) {
                if (id < n) {
                    logits[id] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        for (Map.Entry<Integer, Double> bias : p.logitBias().entrySet()) {
            logits[bias.getKey()] += bias.getValue().floatValue();
        }
        applyPenalties(logits, seq);

        int best = best(logits);
        if (best < 0) {
            throw new InvalidRequestException("Every token is masked out for this sequence (allowed_token_ids, "
                    + "min_tokens, stop_token_ids, logit_bias): nothing can be sampled.", "allowed_token_ids");
        }
        int token = p.greedy() ? best : draw(logits, best, p, seq);
        if (raw == null) {
            return new Sample(token, 0.0, 0, null, null);
        }
        return logprobsOf(token, raw, topLogprobCount);
    }

    private static void applyAllowedTokens(float[] logits, SamplingParams p) {
        if (p.allowedTokenIds() == null) {
            return;
        }
        float[] kept = new float[p.allowedTokenIds().size()];
        for (int i = 0; i < kept.length; i++) {
            kept[i] = logits[p.allowedTokenIds().get(i)];
        }
        Arrays.fill(logits, Float.NEGATIVE_INFINITY);
        for (int i = 0; i < kept.length; i++) {
            logits[p.allowedTokenIds().get(i)] = kept[i];
        }
    }

    private static void applyPenalties(float[] logits, SequenceSampling seq) {
        SamplingParams p = seq.params;
        double repetition = p.repetitionPenalty() == null ? 1.0 : p.repetitionPenalty();
        if (repetition != 1.0) {
            float r = (float) repetition;
            seq.promptTokens.forEach((token, count) -> logits[token] = repetitionPenalized(logits[token], r));
            seq.outputTokens.forEach((token, count) -> {
                if (!seq.promptTokens.contains(token)) {
                    logits[token] = repetitionPenalized(logits[token], r);
                }
            });
        }
        float frequency = (float) p.frequencyPenalty();
        float presence = (float) p.presencePenalty();
        if (frequency != 0f || presence != 0f) {
            seq.outputTokens.forEach((token, count) -> logits[token] -= frequency * count + presence);
        }
    }

    private static float repetitionPenalized(float logit, float penalty) {
        return logit > 0 ? logit / penalty : logit * penalty;
    }

    /**
     * The index of the largest logit (the first of equals).
     *
     * @throws IllegalStateException when a logit is NaN or every logit is -inf
     */
    static int argmax(float[] logits) {
        int best = best(logits);
        if (best < 0) {
            throw new IllegalStateException("Every logit is -inf: nothing can be sampled");
        }
        return best;
    }

    /**
     * The index of the largest logit (the first of equals), or -1 when every logit is -inf.
     *
     * @throws IllegalStateException when a logit is NaN: no token's probability can be known
     */
    private static int best(float[] logits) {
        int best = 0;
        float bestValue = logits[0];
        boolean nan = bestValue != bestValue;
        for (int i = 1; i < logits.length; i++) {
            float v = logits[i];
            if (v > bestValue) {
                bestValue = v;
                best = i;
            }
            nan |= v != v;
        }
        if (nan) {
            throw new IllegalStateException("The model produced NaN logits");
        }
        return bestValue == Float.NEGATIVE_INFINITY ? -1 : best;
    }

    private int draw(float[] logits, int best, SamplingParams p, SequenceSampling seq) {
        int n = logits.length;
        float max = logits[best];
        if (max == Float.POSITIVE_INFINITY) {
            return drawAmongInfinite(logits, seq);
        }
        double temperature = p.temperature();
        float floor = Float.NEGATIVE_INFINITY;
        if (p.minP() != null && p.minP() > 0.0) {
            floor = (float) (max + temperature * Math.log(p.minP()));
        }
        if (p.topK() != null && p.topK() > 0 && p.topK() < n) {
            floor = Math.max(floor, select.kthLargest(logits, n, p.topK()));
        }
        // the candidates (every token when nothing truncates) and their unnormalised probabilities
        float scale = (float) (1.0 / temperature);
        int m = 0;
        double total = 0.0;
        for (int i = 0; i < n; i++) {
            float l = logits[i];
            if (l >= floor) {
                float w = FastExp.exp((l - max) * scale);
                candidates[m] = i;
                weights[m++] = w;
                total += w;
            }
        }
        float weightFloor = 0f;
        if (p.topP() != null && p.topP() < 1.0) {
            weightFloor = select.massThreshold(weights, m, p.topP() * total);
            total = 0.0;
            for (int j = 0; j < m; j++) {
                if (weights[j] >= weightFloor) {
                    total += weights[j];
                }
            }
        }
        double u = seq.random.nextDouble() * total;
        double acc = 0.0;
        int last = -1;
        for (int j = 0; j < m; j++) {
            float w = weights[j];
            if (w >= weightFloor && w > 0f) {
                acc += w;
                last = candidates[j];
                if (acc > u) {
                    return last;
                }
            }
        }
        if (last < 0) {
            throw new IllegalStateException("No token was left to sample after top-k, top-p and min-p");
        }
        return last;
    }

    /** Tokens at +inf take all the probability, shared equally. */
    private int drawAmongInfinite(float[] logits, SequenceSampling seq) {
        int m = 0;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] == Float.POSITIVE_INFINITY) {
                candidates[m++] = i;
            }
        }
        return candidates[seq.random.nextInt(m)];
    }

    /**
     * The log-probability and rank of {@code token} under raw logits {@code raw}, and the
     * {@code topCount} most likely tokens; used for generated tokens and for a prompt's own tokens.
     */
    Sample logprobsOf(int token, float[] raw, int topCount) {
        int n = raw.length;
        float max = raw[argmax(raw)];
        if (max == Float.POSITIVE_INFINITY) {
            return logprobsAmongInfinite(token, raw, topCount);
        }
        // one pass for the normaliser (four partial sums the CPU can overlap) and the chosen token's rank
        float s0 = 0f;
        float s1 = 0f;
        float s2 = 0f;
        float s3 = 0f;
        float chosen = raw[token];
        int better = 0;
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            float v0 = raw[i];
            float v1 = raw[i + 1];
            float v2 = raw[i + 2];
            float v3 = raw[i + 3];
            s0 += FastExp.exp(v0 - max);
            s1 += FastExp.exp(v1 - max);
            s2 += FastExp.exp(v2 - max);
            s3 += FastExp.exp(v3 - max);
            better += (v0 > chosen ? 1 : 0) + (v1 > chosen ? 1 : 0) + (v2 > chosen ? 1 : 0) + (v3 > chosen ? 1 : 0);
        }
        for (; i < n; i++) {
            s0 += FastExp.exp(raw[i] - max);
            better += raw[i] > chosen ? 1 : 0;
        }
        double sum = (double) s0 + s1 + s2 + s3;
        double logNorm = max + Math.log(sum);
        int[] topIds = new int[Math.max(0, topCount)];
        float[] topValues = new float[topIds.length];
        if (topIds.length > 0) {
            topN(raw, topIds, topValues);
            for (int k = 0; k < topValues.length; k++) {
                topValues[k] = TokenLogprob.clamp(topValues[k] - logNorm);
            }
        }
        return new Sample(token, chosen - logNorm, better + 1, topIds, topValues);
    }

    /** {@link #logprobsOf} where tokens at +inf share all the probability. */
    private static Sample logprobsAmongInfinite(int token, float[] raw, int topCount) {
        int infinite = 0;
        for (float v : raw) {
            infinite += v == Float.POSITIVE_INFINITY ? 1 : 0;
        }
        double share = -Math.log(infinite);
        boolean chosenInfinite = raw[token] == Float.POSITIVE_INFINITY;
        int better = 0;
        if (!chosenInfinite) {
            for (float v : raw) {
                better += v > raw[token] ? 1 : 0;
            }
        }
        int[] topIds = new int[Math.max(0, topCount)];
        float[] topValues = new float[topIds.length];
        if (topIds.length > 0) {
            topN(raw, topIds, topValues);
            for (int k = 0; k < topValues.length; k++) {
                topValues[k] = TokenLogprob.clamp(topValues[k] == Float.POSITIVE_INFINITY ? share : Double.NEGATIVE_INFINITY);
            }
        }
        return new Sample(token, chosenInfinite ? share : Double.NEGATIVE_INFINITY, better + 1, topIds, topValues);
    }

    /** Fills {@code ids}/{@code values} with the largest entries of {@code row}, best first. */
    static void topN(float[] row, int[] ids, float[] values) {
        int k = ids.length;
        int filled = 0;
        for (int i = 0; i < row.length; i++) {
            float v = row[i];
            if (filled == k && !(v > values[k - 1])) {
                continue;
            }
            int at = filled < k ? filled++ : k - 1;
            while (at > 0 && v > values[at - 1]) {
                values[at] = values[at - 1];
                ids[at] = ids[at - 1];
                at--;
            }
            values[at] = v;
            ids[at] = i;
        }
    }
}
