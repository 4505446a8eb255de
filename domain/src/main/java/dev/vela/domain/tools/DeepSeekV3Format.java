package dev.vela.domain.tools;

import java.util.List;
import java.util.function.Supplier;

/**
 * vLLM's {@code deepseek_v3} format, which the DeepSeek-R1 chat templates render for assistant
 * calls: {@code <｜tool▁calls▁begin｜>} groups blocks of
 * {@code <｜tool▁call▁begin｜>function<｜tool▁sep｜>NAME\n```json\nARGS\n```<｜tool▁call▁end｜>}.
 * The arguments are the model's JSON text as written, as vLLM passes them on; unlike vLLM's
 * single-line pattern, they may span lines.
 */
final class DeepSeekV3Format implements ToolCallFormat {

    static final String SEPARATOR = "<｜tool▁sep｜>";
    static final String FENCE_OPEN = "```json\n";
    static final String FENCE_CLOSE = "```";

    @Override
    public String callStart() {
        return "<｜tool▁call▁begin｜>";
    }

    @Override
    public String callEnd() {
        return "<｜tool▁call▁end｜>";
    }

    @Override
    public List<String> groupMarkers() {
        return List.of("<｜tool▁calls▁begin｜>", "<｜tool▁calls▁end｜>");
    }

    @Override
    public StreamedCall stream(int index, Supplier<String> ids) {
        return new FencedCall(index, ids, callEnd());
    }

    @Override
    public Call call(String body) {
        int separator = body.indexOf(SEPARATOR);
        if (separator <= 0 || !body.substring(0, separator).strip().equals("function")) {
            return null;
        }
        String rest = body.substring(separator + SEPARATOR.length());
        int newline = rest.indexOf('\n');
        if (newline <= 0) {
            return null;
        }
        String name = rest.substring(0, newline).strip();
        String fenced = rest.substring(newline + 1).stripTrailing();
        if (name.isEmpty() || !fenced.startsWith(FENCE_OPEN) || !fenced.endsWith(FENCE_CLOSE)
                || fenced.length() < FENCE_OPEN.length() + FENCE_CLOSE.length()) {
            return null;
        }
        String arguments = fenced.substring(FENCE_OPEN.length(), fenced.length() - FENCE_CLOSE.length()).strip();
        return JsonText.isValid(arguments) ? new Call(name, arguments) : null;
    }
}
