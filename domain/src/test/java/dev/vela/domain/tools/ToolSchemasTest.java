package dev.vela.domain.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vela.domain.error.InvalidRequestException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolSchemasTest {

    private static final Map<String, Object> WEATHER = Map.of("type", "object", "properties",
            Map.of("city", Map.of("$ref", "#/$defs/city")), "$defs", Map.of("city", Map.of("type", "string")));
    private static final List<Map<String, Object>> TOOLS = List.of(
            Map.of("type", "function", "function", Map.of("name", "get_weather", "parameters", WEATHER)),
            Map.of("type", "function", "function", Map.of("name", "ping")));

    @Test
    void requiredIsAnArrayOfAtLeastOneCallOfAnOfferedTool() {
        Map<?, ?> schema = (Map<?, ?>) ToolSchemas.required(TOOLS, true).schema();
        assertEquals("array", schema.get("type"));
        assertEquals(BigDecimal.ONE, schema.get("minItems"));
        assertFalse(schema.containsKey("maxItems"));
        List<?> alternatives = (List<?>) ((Map<?, ?>) schema.get("items")).get("anyOf");
        Map<?, ?> weather = (Map<?, ?>) alternatives.getFirst();
        assertEquals(List.of("name", "parameters"), weather.get("required"));
        assertEquals(false, weather.get("additionalProperties"));
        Map<?, ?> properties = (Map<?, ?>) weather.get("properties");
        assertEquals(Map.of("type", "string", "enum", List.of("get_weather")), properties.get("name"));
        assertEquals(Map.of("type", "object", "properties", Map.of()),
                ((Map<?, ?>) ((Map<?, ?>) alternatives.get(1)).get("properties")).get("parameters"), "a tool without parameters");
    }

    @Test
    void aToolsDefsMoveToTheTopWhereItsRefsPoint() {
        Map<?, ?> schema = (Map<?, ?>) ToolSchemas.required(TOOLS, true).schema();
        assertEquals(Map.of("city", Map.of("type", "string")), schema.get("$defs"));
        Map<?, ?> item = (Map<?, ?>) ((List<?>) ((Map<?, ?>) schema.get("items")).get("anyOf")).getFirst();
        assertFalse(((Map<?, ?>) ((Map<?, ?>) item.get("properties")).get("parameters")).containsKey("$defs"));
    }

    @Test
    void withoutParallelCallsTheArrayHoldsOneCall() {
        assertEquals(BigDecimal.ONE, ((Map<?, ?>) ToolSchemas.required(TOOLS, false).schema()).get("maxItems"));
    }

    @Test
    void twoToolsDefiningOneNameDifferentlyAreRefused() {
        Map<String, Object> other = Map.of("type", "object", "$defs", Map.of("city", Map.of("type", "integer")));
        List<Map<String, Object>> tools = List.of(TOOLS.getFirst(),
                Map.of("type", "function", "function", Map.of("name", "other", "parameters", other)));
        assertEquals("Tool definition 'city' has multiple schemas, which is not supported.",
                assertThrows(InvalidRequestException.class, () -> ToolSchemas.required(tools, true)).getMessage());
    }

    @Test
    void aNamedToolIsConstrainedToItsParameters() {
        assertEquals(WEATHER, ToolSchemas.named(TOOLS, "get_weather").schema());
        assertEquals("tool_choice", ToolSchemas.named(TOOLS, "get_weather").field());
        assertEquals("Tool 'nope' has not been passed in `tools`.",
                assertThrows(InvalidRequestException.class, () -> ToolSchemas.named(TOOLS, "nope")).getMessage());
    }
}
