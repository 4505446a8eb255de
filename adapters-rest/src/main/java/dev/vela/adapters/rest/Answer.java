package dev.vela.adapters.rest;

import dev.vela.adapters.rest.error.ErrorResponses;
import dev.vela.adapters.rest.http.ClientDeparture;
import dev.vela.adapters.rest.wire.StreamOptions;
import dev.vela.adapters.rest.wire.UsageInfo;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.error.NotFoundException;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;

/**
 * What the completions and chat answers share: the response id and time, the served model name,
 * the generation being answered, and the streaming loop (chunks, usage, errors, {@code [DONE]}).
 * Whether streamed or collected, the generation is cancelled as soon as the client goes away.
 */
abstract class Answer {

    final String id;
    final long created = System.currentTimeMillis() / 1000;
    final String model;
    final Generation generation;
    private final StreamOptions streamOptions;
    private final ClientDeparture departure;

    Answer(String idPrefix, String model, Generation generation, StreamOptions streamOptions, ClientDeparture departure) {
        this.id = idPrefix + UUID.randomUUID().toString().replace("-", "");
        this.model = model;
        this.generation = generation;
        this.streamOptions = streamOptions;
        this.departure = departure;
    }

    /** Chunks to send before any event (chat's role chunks). */
    abstract void start(SseWriter sse) throws IOException;

    /** The chunk for one event, or null when it carries nothing to send. */
    abstract Object chunk(GenerationEvent event, UsageInfo usage);

    /** The last chunk, carrying only usage. */
    abstract Object usageChunk(UsageInfo usage);

    UsageInfo usage() {
        return UsageInfo.of(generation.usage());
    }

    /**
     * The answer as a stream of server-sent events. However the stream ends short of {@code [DONE]}
     * (the client went away, stopped reading, the thread was interrupted, anything thrown), the
     * generation is cancelled so that the engine stops working for nobody.
     */
    StreamingOutput stream(Duration writeTimeout) {
        return out -> {
            SseWriter sse = new SseWriter(out, writeTimeout, generation::cancel);
            boolean answered = false;
            try (ClientDeparture.Watch _ = departure.watch(generation::cancel)) {
                start(sse);
                GenerationEvent event;
                boolean failed = false;
                while ((event = generation.next()) != null) {
                    if (event instanceof GenerationEvent.Failed failure) {
                        generation.cancel();
                        sse.send(ErrorResponses.body(failure.error()));
                        failed = true;
                        break;
                    }
                    boolean continuous = streamOptions != null && streamOptions.continuousUsageStats();
                    Object chunk = chunk(event, continuous ? usage() : null);
                    if (chunk != null) {
                        sse.send(chunk);
                    }
                }
                if (!failed && streamOptions != null && streamOptions.includeUsage()) {
                    sse.send(usageChunk(usage()));
                }
                sse.done();
                answered = true;
            } catch (IOException e) {
                // the client went away or stopped reading: nobody is left to answer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                if (!answered) {
                    generation.cancel();        // free what the request holds in the engine
                }
            }
        };
    }

    /** Takes every event of a non-streamed answer, handing each to {@code onEvent}. */
    void collect(java.util.function.Consumer<GenerationEvent> onEvent) {
        try (ClientDeparture.Watch _ = departure.watch(generation::cancel)) {
            GenerationEvent event;
            while ((event = generation.next()) != null) {
                if (event instanceof GenerationEvent.Failed failed) {
                    generation.cancel();
                    throw rethrowable(failed.error());
                }
                onEvent.accept(event);
            }
        } catch (InterruptedException e) {
            generation.cancel();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while generating", e);
        }
    }

    private static RuntimeException rethrowable(RuntimeException error) {
        if (error instanceof InvalidRequestException || error instanceof NotFoundException) {
            return error;
        }
        return new IllegalStateException("generation failed: " + error.getMessage(), error);
    }

    static <T> T[] filled(T[] array, java.util.function.IntFunction<T> value) {
        for (int i = 0; i < array.length; i++) {
            array[i] = value.apply(i);
        }
        return array;
    }
}
