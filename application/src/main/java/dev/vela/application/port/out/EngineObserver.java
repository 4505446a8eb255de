package dev.vela.application.port.out;

import dev.vela.domain.error.RunnerFailedException;
import dev.vela.domain.generation.FinishReason;

/**
 * What the engine reports while it serves, for metrics and logs (vLLM's Prometheus metrics are
 * built from these). Called on the engine thread: implementations must be quick and never block.
 */
public interface EngineObserver {

    /**
     * One engine step ran: the prompt tokens of the sequences whose prefill it completed (whole
     * prompts, cached prefixes included) and the tokens it generated.
     */
    default void stepped(int promptTokens, int generatedTokens) {
    }

    /** A sequence produced its first token, {@code seconds} after its request arrived. */
    default void firstToken(double seconds) {
    }

    /** A sequence produced a token {@code seconds} after its previous one. */
    default void interToken(double seconds) {
    }

    /**
     * A sequence ended.
     *
     * @param queueSeconds from arrival to its first forward pass
     * @param e2eSeconds   from arrival to the end
     */
    default void finished(FinishReason reason, double queueSeconds, double e2eSeconds, int promptTokens,
                          int generationTokens) {
    }

    /** A running sequence lost its KV blocks and will be recomputed. */
    default void preempted() {
    }

    /** A prompt was looked up in the prefix cache: tokens asked for, tokens found. */
    default void prefixCacheLookup(int queriedTokens, int hitTokens) {
    }

    /**
     * The runner failed for good: every request the engine held has failed with {@code error}, and
     * the engine takes no more. Told once; whoever runs the server should restart it.
     */
    default void runnerFailed(RunnerFailedException error) {
    }
}
