package dev.vela.adapters.rest.wire;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns JSON values into plain Java values (maps, lists, strings, numbers, booleans, null): for
 * templates with numbers as {@code Long}/{@code Double}, for schemas with numbers exact.
 */
final class JsonValues {

    private JsonValues() {
    }

    static Object toJava(JsonValue value) {
        return convert(value, false);
    }

    /** As {@link #toJava}, with every number a {@link BigDecimal} (a JSON Schema's bounds stay exact). */
    static Object toExact(JsonValue value) {
        return convert(value, true);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> toExactMap(JsonObject object) {
        return (Map<String, Object>) toExact(object);
    }

    private static Object convert(JsonValue value, boolean exact) {
        if (value == null) {
            return null;
        }
        return switch (value.getValueType()) {
            case NULL -> null;
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case STRING -> ((JsonString) value).getString();
            case NUMBER -> {
                JsonNumber n = (JsonNumber) value;
                if (exact) {
                    yield n.bigDecimalValue();
                }
                // An integer too long for a long would wrap around; as a double it keeps its magnitude.
                yield n.isIntegral() && n.bigDecimalValue().precision() <= 18 ? (Object) n.longValue() : (Object) n.doubleValue();
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonValue item : (JsonArray) value) {
                    list.add(convert(item, exact));
                }
                yield list;
            }
            case OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                ((JsonObject) value).forEach((k, v) -> map.put(k, convert(v, exact)));
                yield map;
            }
        };
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> toMap(JsonObject object) {
        return (Map<String, Object>) toJava(object);
    }
}
