package dev.vela.domain.tools;

import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.structured.OutputConstraint;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The JSON Schemas vLLM constrains tool answers with: for {@code "required"}, an array of at least
 * one {@code {"name": <a tool's name>, "parameters": <that tool's parameters>}} (at most one without
 * {@code parallel_tool_calls}); for a named tool, that tool's parameters. Each tool's {@code $defs}
 * move to the top of the array's schema, where its {@code $ref}s point. Unlike vLLM's, an item
 * holds no other keys than those two, so that nothing the model adds can be lost.
 */
public final class ToolSchemas {

    private static final String FIELD = "tool_choice";
    private static final Map<String, Object> NO_PARAMETERS = Map.of("type", "object", "properties", Map.of());

    private ToolSchemas() {
    }

    /** The constraint of {@code tool_choice: "required"} over the request's tools (as the template sees them). */
    public static OutputConstraint.JsonSchema required(List<Map<String, Object>> tools, boolean parallelToolCalls) {
        List<Object> alternatives = new ArrayList<>(tools.size());
        Map<String, Object> defs = new LinkedHashMap<>();
        for (Map<String, Object> tool : tools) {
            Map<String, Object> parameters = new LinkedHashMap<>(parameters(tool));
            if (parameters.remove("$defs") instanceof Map<?, ?> toolDefs) {
                toolDefs.forEach((name, schema) -> {
                    Object earlier = defs.putIfAbsent(String.valueOf(name), schema);
                    if (earlier != null && !Objects.equals(earlier, schema)) {
                        throw new InvalidRequestException("Tool definition '" + name
                                + "' has multiple schemas, which is not supported.", FIELD);
                    }
                });
            }
            Map<String, Object> properties = new LinkedHashMap<>();
            properties.put("name", Map.of("type", "string", "enum", List.of(name(tool))));
            properties.put("parameters", parameters);
            Map<String, Object> call = new LinkedHashMap<>();
            call.put("type", "object");
            call.put("properties", properties);
            call.put("required", List.of("name", "parameters"));
            call.put("additionalProperties", false);
            alternatives.add(call);
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "array");
        schema.put("minItems", BigDecimal.ONE);
        if (!parallelToolCalls) {
            schema.put("maxItems", BigDecimal.ONE);
        }
        schema.put("items", Map.of("anyOf", alternatives));
        if (!defs.isEmpty()) {
            schema.put("$defs", defs);
        }
        return new OutputConstraint.JsonSchema(schema, null, FIELD);
    }

    /** The constraint of a named tool: its parameters. */
    public static OutputConstraint.JsonSchema named(List<Map<String, Object>> tools, String name) {
        for (Map<String, Object> tool : tools) {
            if (name.equals(name(tool))) {
                return new OutputConstraint.JsonSchema(parameters(tool), null, FIELD);
            }
        }
        throw new InvalidRequestException("Tool '" + name + "' has not been passed in `tools`.", FIELD);
    }

    private static String name(Map<String, Object> tool) {
        return String.valueOf(function(tool).get("name"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parameters(Map<String, Object> tool) {
        return function(tool).get("parameters") instanceof Map<?, ?> parameters
                ? (Map<String, Object>) parameters : NO_PARAMETERS;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> function(Map<String, Object> tool) {
        return tool.get("function") instanceof Map<?, ?> function ? (Map<String, Object>) function : Map.of();
    }
}
