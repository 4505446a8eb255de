package dev.vela.adapters.hf;

import dev.vela.domain.tools.JsonText;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A past call's arguments as a chat template sees them: the JSON object they hold, as vLLM hands
 * templates a dict ({@code tool_call.arguments | tojson} in Qwen2.5's template), which reads as the
 * client's own text where a template adds it to a string (DeepSeek-R1's
 * {@code '```json\n' + arguments}), as transformers renders the string it is given.
 */
final class ToolCallArguments extends LinkedHashMap<String, Object> {

    private final String text;

    private ToolCallArguments(Map<String, Object> members, String text) {
        super(members);
        this.text = text;
    }

    /** The template's value for a call's arguments: an object when they are one (empty ones are {}), else the text. */
    @SuppressWarnings("unchecked")
    static Object of(String text) {
        if (text.isBlank()) {
            return new ToolCallArguments(Map.of(), text);
        }
        try {
            return JsonText.parse(text) instanceof Map<?, ?> members
                    ? new ToolCallArguments((Map<String, Object>) members, text) : text;
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
