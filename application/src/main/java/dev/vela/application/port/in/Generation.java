package dev.vela.application.port.in;

import dev.vela.domain.generation.Usage;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A request that is generating: its prompts as the model saw them and the stream of events of all
 * its choices, interleaved. Events of one choice come in order; the stream ends after every choice
 * has finished or failed.
 */
public interface Generation {

    /** The prompts, in request order; choice {@code c} belongs to prompt {@code c / choicesPerPrompt()}. */
    List<PromptTokens> prompts();

    /** Choices per prompt ({@code n}). */
    int choicesPerPrompt();

    /**
     * The next event, waiting for it; null once every choice has ended.
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    GenerationEvent next() throws InterruptedException;

    /** Like {@link #next()}, but gives up after the timeout and returns null. */
    GenerationEvent poll(long timeout, TimeUnit unit) throws InterruptedException;

    /** True once every choice has ended and every event was taken. */
    boolean done();

    /** Stops every choice that is still running and frees what it holds. */
    void cancel();

    /** Prompt and completion tokens so far. */
    Usage usage();

    /** A prompt as token ids, with its text (decoded from the ids when the client sent ids). */
    record PromptTokens(String text, int[] tokenIds) {
    }
}
