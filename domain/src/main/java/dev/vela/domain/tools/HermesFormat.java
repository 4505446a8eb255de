package dev.vela.domain.tools;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * vLLM's {@code hermes} format (Qwen2.5, Qwen3, Hermes): one
 * {@code <tool_call>\n{"name": "f", "arguments": {...}}\n</tool_call>} block per call. The
 * arguments are written back as Python's {@code json.dumps} writes them, as vLLM does.
 */
final class HermesFormat implements ToolCallFormat {

    @Override
    public String callStart() {
        return "<tool_call>";
    }

    @Override
    public String callEnd() {
        return "</tool_call>";
    }

    @Override
    public List<String> groupMarkers() {
        return List.of();
    }

    @Override
    public StreamedCall stream(int index, Supplier<String> ids) {
        return CallObject.block("arguments", index, ids);
    }

    @Override
    public Call call(String body) {
        Object parsed;
        try {
            parsed = JsonText.parse(body);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!(parsed instanceof Map<?, ?> object) || !(object.get("name") instanceof String name) || name.isEmpty()
                || !object.containsKey("arguments")) {
            return null;
        }
        return new Call(name, JsonText.pythonDumps(object.get("arguments")));
    }
}
