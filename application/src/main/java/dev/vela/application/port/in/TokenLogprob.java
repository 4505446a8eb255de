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
 * @param top      the most likely tokens at this position, best first
 */
public record TokenLogprob(int tokenId, String token, byte[] bytes, float logprob, List<Candidate> top) {

    /** The lowest log-probability reported, as OpenAI clients expect. */
    public static final float MIN_LOGPROB = -9999.0f;

    public TokenLogprob {
        top = List.copyOf(top);
    }

    /** One alternative token at a position. */
    public record Candidate(int tokenId, String token, byte[] bytes, float logprob) {
    }

    public static float clamp(double logprob) {
        return (float) Math.max(MIN_LOGPROB, logprob);
    }
}
