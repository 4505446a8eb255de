package dev.vela.application.port.in;

import dev.vela.domain.generation.FinishReason;
import java.util.List;

/** What happens to a request while it generates; the REST layer turns each into a chunk or part of a body. */
public sealed interface GenerationEvent {

    /** The choice this event belongs to. */
    int choice();

    /**
     * New output of one choice: text that is safe to show (whole UTF-8 characters, no part of a
     * possible stop string) and the token ids it came from.
     */
    record Delta(int choice, String text, int[] tokenIds, List<TokenLogprob> logprobs) implements GenerationEvent {
    }

    /**
     * A choice has ended.
     *
     * @param stopReason the stop string or stop token id that ended it (a {@code String} or an
     *                   {@code Integer}); null for EOS, length and abort
     * @param completionTokens how many tokens this choice generated
     * @param cumulativeLogprob the sum of the generated tokens' log-probabilities
     */
    record Finished(int choice, FinishReason reason, Object stopReason, int completionTokens, double cumulativeLogprob)
            implements GenerationEvent {
    }

    /**
     * The log-probabilities of a prompt's own tokens, sent once per prompt (by its first choice)
     * before that choice's first delta. The first entry is {@linkplain TokenLogprob#unscored unscored}:
     * nothing predicts a prompt's first token.
     */
    record PromptLogprobs(int choice, List<TokenLogprob> logprobs) implements GenerationEvent {
    }

    /** A choice failed; its request must report an error. */
    record Failed(int choice, RuntimeException error) implements GenerationEvent {
    }
}
