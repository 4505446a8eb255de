package dev.vela.adapters.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.rest.wire.StreamOptions;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.domain.generation.Usage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** An error after a stream has started goes out as one {@code data: {"error": ...}} event, then [DONE]. */
class StreamErrorTest {

    /** A generation that plays back given events. */
    private static final class Playback implements Generation {
        private final ArrayDeque<GenerationEvent> events;
        boolean cancelled;

        Playback(GenerationEvent... events) {
            this.events = new ArrayDeque<>(List.of(events));
        }

        @Override
        public List<PromptTokens> prompts() {
            return List.of(new PromptTokens("Hi", new int[] {1, 2}));
        }

        @Override
        public int choicesPerPrompt() {
            return 1;
        }

        @Override
        public GenerationEvent next() {
            return events.poll();
        }

        @Override
        public GenerationEvent poll(long timeout, TimeUnit unit) {
            return events.poll();
        }

        @Override
        public boolean done() {
            return events.isEmpty();
        }

        @Override
        public void cancel() {
            cancelled = true;
        }

        @Override
        public Usage usage() {
            return new Usage(2, 1);
        }
    }

    @Test
    void aFailureMidStreamIsSentAsAnErrorEventFollowedByDone() throws IOException {
        Playback generation = new Playback(
                new GenerationEvent.Delta(0, "Hel", new int[] {5}, List.of()),
                new GenerationEvent.Failed(0, new IllegalStateException("the model produced NaN logits")));
        ChatAnswer answer = new ChatAnswer("m", false, new StreamOptions(true, false), generation);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        answer.stream(Duration.ofSeconds(30)).write(out);
        String[] events = out.toString(StandardCharsets.UTF_8).split("\n\n");
        assertTrue(events[1].contains("\"content\":\"Hel\""), events[1]);
        assertEquals("data: {\"error\":{\"message\":\"the model produced NaN logits\",\"type\":\"InternalServerError\","
                + "\"param\":null,\"code\":500}}", events[2]);
        assertEquals("data: [DONE]", events[3]);
        assertEquals(4, events.length, "no usage chunk after an error");
        assertTrue(generation.cancelled, "the rest of the request is cancelled");
    }
}
