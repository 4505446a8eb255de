package dev.vela.application.port.in;

import dev.vela.domain.generation.FinishReason;
import dev.vela.domain.reasoning.ReasoningSplit;
import dev.vela.domain.tools.ParsedToolCalls;
import dev.vela.domain.tools.ToolCallPiece;
import java.util.List;

/** What happens to a request while it generates; the REST layer turns each into a chunk or part of a body. */
public sealed interface GenerationEvent {

    /** The choice this event belongs to. */
    int choice();

    /** The same event for another choice, every other field kept. */
    GenerationEvent withChoice(int choice);

    /**
     * New output of one choice: text that is safe to show (whole UTF-8 characters, no part of a
     * possible stop string) and the token ids it came from.
     *
     * @param reasoning with a reasoning parser, this text split into reasoning and answer as a
     *                  stream shows it (both parts null when nothing of it is shown: the piece
     *                  carried only a marker, or only reasoning the client left out); null without one
     * @param toolCalls when tool calls are read from the answer, what its answer part (the content)
     *                  completes: content text and calls, in order; null when they are not
     */
    record Delta(int choice, String text, int[] tokenIds, List<TokenLogprob> logprobs, ReasoningSplit reasoning,
                 List<ToolCallPiece> toolCalls) implements GenerationEvent {

        public Delta(int choice, String text, int[] tokenIds, List<TokenLogprob> logprobs) {
            this(choice, text, tokenIds, logprobs, null, null);
        }

        public Delta(int choice, String text, int[] tokenIds, List<TokenLogprob> logprobs, ReasoningSplit reasoning) {
            this(choice, text, tokenIds, logprobs, reasoning, null);
        }

        @Override
        public Delta withChoice(int choice) {
            return new Delta(choice, text, tokenIds, logprobs, reasoning, toolCalls);
        }

        /** The same delta with its reasoning split. */
        public Delta withReasoning(ReasoningSplit reasoning) {
            return new Delta(choice, text, tokenIds, logprobs, reasoning, toolCalls);
        }

        /** The same delta with the tool call pieces its content completes. */
        public Delta withToolCalls(List<ToolCallPiece> toolCalls) {
            return new Delta(choice, text, tokenIds, logprobs, reasoning, List.copyOf(toolCalls));
        }
    }

    /**
     * A choice has ended.
     *
     * @param stopReason the stop string or stop token id that ended it (a {@code String} or an
     *                   {@code Integer}); null for EOS, length and abort
     * @param completionTokens how many tokens this choice generated
     * @param cumulativeLogprob the sum of the generated tokens' log-probabilities
     * @param reasoning with a reasoning parser, the whole output split into reasoning and answer
     *                  (the rule for answers that are not streamed); null without one
     * @param toolCalls when tool calls are read from the answer, the whole answer part's content and
     *                  calls (the rule for answers that are not streamed); null when they are not
     */
    record Finished(int choice, FinishReason reason, Object stopReason, int completionTokens, double cumulativeLogprob,
                    ReasoningSplit reasoning, ParsedToolCalls toolCalls) implements GenerationEvent {

        public Finished(int choice, FinishReason reason, Object stopReason, int completionTokens, double cumulativeLogprob) {
            this(choice, reason, stopReason, completionTokens, cumulativeLogprob, null, null);
        }

        @Override
        public Finished withChoice(int choice) {
            return new Finished(choice, reason, stopReason, completionTokens, cumulativeLogprob, reasoning, toolCalls);
        }

        /** The same end with the whole output's reasoning split. */
        public Finished withReasoning(ReasoningSplit reasoning) {
            return new Finished(choice, reason, stopReason, completionTokens, cumulativeLogprob, reasoning, toolCalls);
        }

        /** The same end with the whole answer's calls, and the reason the client is told. */
        public Finished withToolCalls(ParsedToolCalls toolCalls, FinishReason reason) {
            return new Finished(choice, reason, stopReason, completionTokens, cumulativeLogprob, reasoning, toolCalls);
        }
    }

    /**
     * The log-probabilities of a prompt's own tokens, sent once per prompt (by its first choice)
     * before that choice's first delta. The first entry is {@linkplain TokenLogprob#unscored unscored}:
     * nothing predicts a prompt's first token.
     */
    record PromptLogprobs(int choice, List<TokenLogprob> logprobs) implements GenerationEvent {

        @Override
        public PromptLogprobs withChoice(int choice) {
            return new PromptLogprobs(choice, logprobs);
        }
    }

    /** A choice failed; its request must report an error. */
    record Failed(int choice, RuntimeException error) implements GenerationEvent {

        @Override
        public Failed withChoice(int choice) {
            return new Failed(choice, error);
        }
    }
}
