package dev.vela.adapters.rest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes server-sent events in the OpenAI format: {@code data: <json>\n\n} per event, no
 * {@code event:} or {@code id:} lines, and {@code data: [DONE]} at the end. Each event is flushed
 * at once so clients see tokens as they are generated.
 */
final class SseWriter {

    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    private final OutputStream out;

    SseWriter(OutputStream out) {
        this.out = out;
    }

    void send(Object event) throws IOException {
        out.write(("data: " + WireJson.toJson(event) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    void done() throws IOException {
        out.write(DONE);
        out.flush();
    }
}
