package dev.vela.adapters.rest.wire;

import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code tools} of a chat request, checked against vLLM's {@code ChatCompletionToolsParam}
 * (each a function with a name; its description, parameters and strict flag of the right types)
 * and handed to the chat template as plain maps.
 */
final class Tools {

    private Tools() {
    }

    /** The tools as the template sees them, or null when none were sent. */
    static List<Map<String, Object>> read(RequestJson json) {
        List<RequestJson> tools = json.objects("tools");
        if (tools == null) {
            return null;
        }
        List<Map<String, Object>> maps = new ArrayList<>(tools.size());
        for (RequestJson tool : tools) {
            JsonValue type = tool.value("type");
            if (type != null && !(type instanceof JsonString s && s.getString().equals("function"))) {
                throw tool.invalid("type", "Input should be 'function'", "literal_error", type);
            }
            RequestJson function = tool.object("function");
            if (function == null) {
                throw tool.missing("function");
            }
            if (function.string("name") == null) {
                throw function.missing("name");
            }
            function.string("description");
            function.object("parameters");
            function.bool("strict");
            maps.add(JsonValues.toMap(tool.raw()));
        }
        return maps;
    }
}
