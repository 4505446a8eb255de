package dev.vela.adapters.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.rest.http.ClientDeparture;
import dev.vela.adapters.rest.wire.StreamOptions;
import dev.vela.application.port.in.GenerationEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An error after a stream has started goes out as one {@code data: {"error": ...}} event, then [DONE]. */
class StreamErrorTest {

    @Test
    void aFailureMidStreamIsSentAsAnErrorEventFollowedByDone() throws IOException {
        ScriptedGeneration generation = ScriptedGeneration.of("Hi", new int[] {1, 2},
                new GenerationEvent.Delta(0, "Hel", new int[] {5}, List.of()),
                new GenerationEvent.Failed(0, new IllegalStateException("the model produced NaN logits")));
        ChatAnswer answer = new ChatAnswer("m", false, new StreamOptions(true, false), generation, ClientDeparture.UNWATCHED);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        answer.stream(Duration.ofSeconds(30)).write(out);
        String[] events = out.toString(StandardCharsets.UTF_8).split("\n\n");
        assertTrue(events[1].contains("\"content\":\"Hel\""), events[1]);
        assertEquals("data: {\"error\":{\"message\":\"the model produced NaN logits\",\"type\":\"InternalServerError\","
                + "\"param\":null,\"code\":500}}", events[2]);
        assertEquals("data: [DONE]", events[3]);
        assertEquals(4, events.length, "no usage chunk after an error");
        assertTrue(generation.cancelled(), "the rest of the request is cancelled");
    }
}
