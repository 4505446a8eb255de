package dev.vela.domain.tools;

import java.util.List;
import java.util.function.Supplier;

/**
 * A {@code deepseek_v3} call read as it streams: it starts once
 * {@code function<｜tool▁sep｜>NAME\n```json\n} is read, and its arguments, the model's JSON text as
 * written, follow as they come while they are a valid JSON prefix; the closing fence ends it.
 * Whitespace around the arguments is not theirs, so whitespace is sent only once more text follows.
 */
final class FencedCall implements StreamedCall {

    private enum Part { HEAD, NAME, FENCE, ARGUMENTS, CLOSE, DONE, FAILED }

    private final int index;
    private final Supplier<String> ids;
    private final String callEnd;
    /** Validates the arguments; what it rewrites is not used, the arguments go out as written. */
    private final JsonRewriter json = new JsonRewriter(rewritten -> { });
    /** The marker or name read so far of the part being read, or the whitespace held in the arguments. */
    private final StringBuilder text = new StringBuilder();
    private Part part = Part.HEAD;
    private String name;
    private boolean started;
    /** Whether any of the arguments has been sent (whitespace before them is dropped). */
    private boolean sent;

    /** @param callEnd the end marker: a head that reaches it is no call */
    FencedCall(int index, Supplier<String> ids, String callEnd) {
        this.index = index;
        this.ids = ids;
        this.callEnd = callEnd;
    }

    @Override
    public boolean accept(char c, List<ToolCallPiece> pieces) {
        switch (part) {
            case HEAD -> head(c);
            case NAME -> name(c);
            case FENCE -> fence(c, pieces);
            case ARGUMENTS -> arguments(c, pieces);
            case CLOSE -> close(c);
            default -> {
                // DONE reads nothing more; FAILED stays failed
            }
        }
        return part != Part.FAILED;
    }

    private void head(char c) {
        text.append(c);
        int prefix = text.length() - DeepSeekV3Format.SEPARATOR.length();
        if (prefix >= 0 && text.indexOf(DeepSeekV3Format.SEPARATOR, prefix) == prefix) {
            next(text.substring(0, prefix).strip().equals("function") ? Part.NAME : Part.FAILED);
        } else if (endsWithCallEnd()) {
            part = Part.FAILED;
        }
    }

    private void name(char c) {
        if (c != '\n') {
            text.append(c);
            if (endsWithCallEnd()) {
                part = Part.FAILED;
            }
            return;
        }
        name = text.toString().strip();
        next(name.isEmpty() ? Part.FAILED : Part.FENCE);
    }

    private void fence(char c, List<ToolCallPiece> pieces) {
        text.append(c);
        if (!DeepSeekV3Format.FENCE_OPEN.startsWith(text.toString())) {
            part = Part.FAILED;
        } else if (text.length() == DeepSeekV3Format.FENCE_OPEN.length()) {
            pieces.add(new ToolCallPiece.CallStart(index, ids.get(), name));
            started = true;
            next(Part.ARGUMENTS);
        }
    }

    private void arguments(char c, List<ToolCallPiece> pieces) {
        if (!json.accept(c)) {
            part = Part.FAILED;
            return;
        }
        if (Character.isWhitespace(c)) {
            if (sent) {
                text.append(c);
            }
        } else {
            CallObject.addArguments(index, text.toString() + c, pieces);
            text.setLength(0);
            sent = true;
        }
        if (json.done()) {
            next(Part.CLOSE);
        }
    }

    private void close(char c) {
        if (text.isEmpty() && Character.isWhitespace(c)) {
            return;
        }
        text.append(c);
        if (!DeepSeekV3Format.FENCE_CLOSE.startsWith(text.toString())) {
            part = Part.FAILED;
        } else if (text.length() == DeepSeekV3Format.FENCE_CLOSE.length()) {
            next(Part.DONE);
        }
    }

    private void next(Part following) {
        part = following;
        text.setLength(0);
    }

    private boolean endsWithCallEnd() {
        int at = text.length() - callEnd.length();
        return at >= 0 && text.indexOf(callEnd, at) == at;
    }

    @Override
    public boolean started() {
        return started;
    }

    @Override
    public int index() {
        return index;
    }

    @Override
    public boolean done() {
        return part == Part.DONE;
    }

    @Override
    public boolean failed() {
        return part == Part.FAILED;
    }

    @Override
    public void end(List<ToolCallPiece> pieces) {
        // the arguments went out as written: nothing waits for the end
    }
}
