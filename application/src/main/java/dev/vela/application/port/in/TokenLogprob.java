package dev.vela.application.port.in;

import java.util.List;

/**
 * The log-probability of one generated token and of the most likely alternatives at its position,
 * computed from the model's raw logits (vLLM's default {@code raw_logprobs}).
 *
 * @param tokenId  the generated token
 * @param token    its text as the logprobs field shows it
 * @param bytes    its UTF-8 bytes
 * @param logprob  its log-probability, clamped at -9999
 * @param rank     its rank among all tokens at this position (1 = the most likely)
 * @param top      the most likely tokens at this position, best first
 */
public record TokenLogprob(int tokenId, String token, byte[] bytes, float logprob, int rank, List<Candidate> top) {

    /** The lowest log-probability reported, as OpenAI clients expect. */
    public static final float MIN_LOGPROB = -9999.0f;

    public TokenLogprob {
        top = List.copyOf(top);
    }

    /** One alternative token at a position, with its rank (1 = the most likely). */
    public record Candidate(int tokenId, String token, byte[] bytes, float logprob, int rank) {
    }

    /**
     * A token nothing scored: the first token of a prompt, which no earlier position predicts.
     * Its logprob is NaN and its rank 0.
     */
    public static TokenLogprob unscored(int tokenId, String token, byte[] bytes) {
        return new TokenLogprob(tokenId, token, bytes, Float.NaN, 0, List.of());
    }

    /** False for a token nothing scored ({@link #unscored}). */
    public boolean scored() {
        return !Float.isNaN(logprob);
    }

    public static float clamp(double logprob) {
        return (float) Math.max(MIN_LOGPROB, logprob);
    }
}
