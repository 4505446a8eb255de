package dev.vela.domain.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Finds the tool calls in a model's answer as it streams ({@code --tool-call-parser}), one parser
 * per choice. Text outside calls is content; whitespace next to a call is dropped; an end marker
 * inside a JSON string of the call is part of that string. A call starts once its name is read and
 * its arguments stream while they are a valid JSON prefix; a block that goes wrong before its name
 * is read is the text it is, and one that goes wrong after keeps what was sent, the rest of its
 * block being text. A stream says what the whole answer says: however the output is cut into
 * pieces, the pieces joined are the same. A call whose end marker never comes counts when its body
 * parses at the end of the output, as vLLM's {@code hermes} parser accepts it.
 */
public final class ToolCallParser implements ToolCallReader {

    /** The parsers {@code --tool-call-parser} accepts, as vLLM names them. */
    public static final Set<String> NAMES = Set.of("hermes", "deepseek_v3");

    private final ToolCallFormat format;
    private final Supplier<String> ids;
    private final StringBuilder pending = new StringBuilder();
    private boolean insideCall;
    private boolean afterCall;
    private String heldSpace = "";
    private String spaceBeforeCall = "";
    private int calls;
    /** Where the open call's text may still hold its end marker. */
    private int searchedUpTo;
    /** The open call as it streams, or null once its block went wrong before it started. */
    private StreamedCall call;
    /** How much of the pending text the call has read. */
    private int read;
    /** Where a started call's body went wrong, or -1. */
    private int brokenAt = -1;

    private ToolCallParser(ToolCallFormat format, Supplier<String> ids) {
        this.format = format;
        this.ids = ids;
    }

    /**
     * A parser for one choice.
     *
     * @param name one of {@link #NAMES}
     * @param ids  the id of each call, in order ({@code chatcmpl-tool-<hex>} in the server)
     */
    public static ToolCallParser create(String name, Supplier<String> ids) {
        return switch (name) {
            case "hermes" -> new ToolCallParser(new HermesFormat(), ids);
            case "deepseek_v3" -> new ToolCallParser(new DeepSeekV3Format(), ids);
            default -> throw new IllegalArgumentException("invalid tool call parser: " + name);
        };
    }

    @Override
    public List<ToolCallPiece> next(String text) {
        pending.append(text);
        List<ToolCallPiece> pieces = new ArrayList<>();
        while (insideCall ? closeCall(pieces) : openCall(pieces)) {
            // each round consumes a marker
        }
        return pieces;
    }

    @Override
    public List<ToolCallPiece> finish() {
        List<ToolCallPiece> pieces = new ArrayList<>();
        if (insideCall && call != null && call.started()) {
            read(pieces);
            call.end(pieces);
            insideCall = false;
            String tail = brokenAt >= 0 ? pending.substring(brokenAt) : call.done() ? pending.substring(read) : "";
            endStreamedCall(tail, pieces);
            pending.setLength(0);
        }
        String rest = pending.toString();
        pending.setLength(0);
        if (insideCall) {
            insideCall = false;
            endCall(rest, "", pieces);
        } else {
            content(rest, pieces);
        }
        if (!afterCall && !heldSpace.isEmpty()) {
            pieces.add(new ToolCallPiece.Content(heldSpace));
        }
        heldSpace = "";
        return pieces;
    }

    /** Sends the content before the next marker; true when a marker was consumed. */
    private boolean openCall(List<ToolCallPiece> pieces) {
        int at = -1;
        String marker = null;
        for (String candidate : markers()) {
            int found = pending.indexOf(candidate);
            if (found >= 0 && (at < 0 || found < at)) {
                at = found;
                marker = candidate;
            }
        }
        if (marker == null) {
            int keep = partialMarker();
            content(pending.substring(0, pending.length() - keep), pieces);
            pending.delete(0, pending.length() - keep);
            return false;
        }
        content(pending.substring(0, at), pieces);
        pending.delete(0, at + marker.length());
        if (marker.equals(format.callStart())) {
            spaceBeforeCall = heldSpace;
            insideCall = true;
            call = format.stream(calls, ids);
            read = 0;
            brokenAt = -1;
        } else {
            afterCall = true;
        }
        heldSpace = "";
        return true;
    }

    /** Ends the open call when its end marker has come; true when it has. */
    private boolean closeCall(List<ToolCallPiece> pieces) {
        if (call != null && read(pieces)) {
            return false;
        }
        if (call != null && call.started()) {
            int end = pending.indexOf(format.callEnd(), brokenAt >= 0 ? brokenAt : read);
            if (end < 0 || (brokenAt < 0 && !call.done())) {
                return false;
            }
            String tail = pending.substring(brokenAt >= 0 ? brokenAt : read, end);
            pending.delete(0, end + format.callEnd().length());
            insideCall = false;
            endStreamedCall(tail, pieces);
            return true;
        }
        call = null;
        int end = pending.indexOf(format.callEnd(), searchedUpTo);
        while (end >= 0 && insideString(end)) {
            end = pending.indexOf(format.callEnd(), end + 1);
        }
        if (end < 0) {
            // a long call arrives in many pieces: look again only where the end marker could start
            searchedUpTo = Math.max(0, pending.length() - format.callEnd().length() + 1);
            return false;
        }
        searchedUpTo = 0;
        String body = pending.substring(0, end);
        pending.delete(0, end + format.callEnd().length());
        insideCall = false;
        endCall(body, format.callEnd(), pieces);
        return true;
    }

    /**
     * Reads the open call's block as far as it has come and as long as it can be a call; true while
     * the block can still start a call (it is read whole once it cannot).
     */
    private boolean read(List<ToolCallPiece> pieces) {
        while (read < pending.length() && !call.done() && !call.failed()) {
            if (!call.accept(pending.charAt(read++), pieces) && call.started()) {
                brokenAt = read - 1;
            }
            if (call.started() && call.index() == calls) {
                calls++;
                afterCall = true;
                heldSpace = "";
            }
        }
        return !call.started() && !call.done() && !call.failed();
    }

    /** A streamed call ends: what was written after its body (when it went wrong) is text. */
    private void endStreamedCall(String tail, List<ToolCallPiece> pieces) {
        call = null;
        content(tail, pieces);
        afterCall = true;
        heldSpace = "";
    }

    /** Whether the pending text up to {@code end} leaves a JSON string open (an end marker there is part of it). */
    private boolean insideString(int end) {
        boolean inside = false;
        for (int i = 0; i < end; i++) {
            char c = pending.charAt(i);
            if (c == '\\' && inside) {
                i++;
            } else if (c == '"') {
                inside = !inside;
            }
        }
        return inside;
    }

    private void endCall(String body, String endMarker, List<ToolCallPiece> pieces) {
        ToolCallFormat.Call call = format.call(body);
        if (call == null) {
            heldSpace = spaceBeforeCall;
            afterCall = false;
            content(format.callStart() + body + endMarker, pieces);
            return;
        }
        int index = calls++;
        pieces.add(new ToolCallPiece.CallStart(index, ids.get(), call.name()));
        pieces.add(new ToolCallPiece.Arguments(index, call.arguments()));
        afterCall = true;
        heldSpace = "";
    }

    /** Answer text: whitespace after a call is dropped, and trailing whitespace waits to see what follows. */
    private void content(String text, List<ToolCallPiece> pieces) {
        String shown = afterCall ? text.stripLeading() : text;
        if (shown.isEmpty()) {
            return;
        }
        afterCall = false;
        String body = shown.stripTrailing();
        if (body.isEmpty()) {
            heldSpace += shown;
            return;
        }
        pieces.add(new ToolCallPiece.Content(heldSpace + body));
        heldSpace = shown.substring(body.length());
    }

    private List<String> markers() {
        List<String> markers = new ArrayList<>(format.groupMarkers());
        markers.add(format.callStart());
        return markers;
    }

    /** The length of the longest tail of the pending text that begins a marker. */
    private int partialMarker() {
        int longest = 0;
        for (String marker : markers()) {
            for (int n = Math.min(marker.length() - 1, pending.length()); n > longest; n--) {
                if (marker.startsWith(pending.substring(pending.length() - n))) {
                    longest = n;
                    break;
                }
            }
        }
        return longest;
    }
}
