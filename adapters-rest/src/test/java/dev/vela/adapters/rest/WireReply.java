package dev.vela.adapters.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.rest.error.InvalidRequestMapper;
import dev.vela.adapters.rest.error.NotFoundMapper;
import dev.vela.adapters.rest.error.UnexpectedErrorMapper;
import dev.vela.adapters.rest.error.WebApplicationMapper;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.error.NotFoundException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a client receives for a resource's {@link Response}, without a server: the status, the
 * media type and the body as the bytes on the wire. A stream is written out as the server writes
 * it; any other entity goes through the JSON-B configuration Jersey uses ({@link WireJson}).
 *
 * <p>Ids and creation times differ from one answer to the next; {@link #stable()} checks their
 * form and that every chunk of one answer shares them, then replaces them so the rest of the body
 * can be compared as text.
 */
record WireReply(int status, String mediaType, String body) {

    private static final Pattern ID = Pattern.compile("\"id\":\"(chatcmpl|cmpl)-([0-9a-f]{32})\"");
    private static final Pattern CREATED = Pattern.compile("\"created\":(\\d+)");

    static WireReply of(Response response) {
        Object entity = response.getEntity();
        String body;
        if (entity == null) {
            body = "";
        } else if (entity instanceof StreamingOutput stream) {
            body = written(stream);
        } else {
            body = json(entity);
        }
        return new WireReply(response.getStatus(), response.getMediaType() == null ? null : response.getMediaType().toString(),
                body);
    }

    /** The response Jersey sends for an exception a resource throws: the mapper for its most specific type. */
    static WireReply ofError(Throwable error) {
        Response response = switch (error) {
            case InvalidRequestException invalid -> new InvalidRequestMapper().toResponse(invalid);
            case NotFoundException missing -> new NotFoundMapper().toResponse(missing);
            case WebApplicationException web -> new WebApplicationMapper().toResponse(web);
            default -> new UnexpectedErrorMapper().toResponse(error);
        };
        return of(response);
    }

    /** An entity as Jersey writes it. */
    static String json(Object entity) {
        return new WireJson().getContext(entity.getClass()).toJson(entity);
    }

    /** The bytes a stream writes. */
    static String written(StreamingOutput stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            stream.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The body with its ids replaced by {@code <prefix>-ID} and its creation times by 0. */
    String stable() {
        return stable(body);
    }

    static String stable(String text) {
        long now = System.currentTimeMillis() / 1000;
        Set<String> ids = new HashSet<>();
        Matcher id = ID.matcher(text);
        while (id.find()) {
            ids.add(id.group(2));
        }
        Set<Long> created = new HashSet<>();
        Matcher time = CREATED.matcher(text);
        while (time.find()) {
            created.add(Long.parseLong(time.group(1)));
        }
        assertTrue(ids.size() <= 1, "every chunk of one answer has the same id: " + ids);
        assertTrue(created.size() <= 1, "every chunk of one answer has the same creation time: " + created);
        for (long seconds : created) {
            assertTrue(seconds <= now && seconds > now - 3600, "created is the answer's time in epoch seconds: " + seconds);
        }
        return CREATED.matcher(ID.matcher(text).replaceAll("\"id\":\"$1-ID\"")).replaceAll("\"created\":0");
    }

    /** The {@code data:} payloads of a stream, checking its framing; the last is {@code [DONE]}. */
    List<String> events() {
        assertTrue(body.endsWith("\n\n"), "a stream ends with a blank line: " + body);
        List<String> events = new ArrayList<>();
        for (String block : body.substring(0, body.length() - 2).split("\n\n", -1)) {
            assertTrue(block.startsWith("data: ") && !block.contains("\n"), "each event is one data line: " + block);
            events.add(block.substring("data: ".length()));
        }
        assertEquals("[DONE]", events.getLast(), "a stream ends with [DONE]");
        return events;
    }
}
