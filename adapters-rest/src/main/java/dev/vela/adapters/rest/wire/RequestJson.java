package dev.vela.adapters.rest.wire;

import dev.vela.domain.error.InvalidRequestException;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the fields of a JSON request body with the types the OpenAI API gives them. A field of
 * the wrong type is a 400 whose message reads like vLLM's (pydantic's) validation errors and whose
 * {@code param} names the field. Absent and null fields read as null; unknown fields are ignored.
 */
public final class RequestJson {

    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
    private static final int LONG_DIGITS = 19;

    private final JsonObject json;
    private final String model;
    private final String prefix;

    /**
     * @param json  the object to read
     * @param model the request type named in errors, e.g. {@code CompletionRequest}
     */
    public RequestJson(JsonObject json, String model) {
        this(json, model, "");
    }

    private RequestJson(JsonObject json, String model, String prefix) {
        this.json = json;
        this.model = model;
        this.prefix = prefix;
    }

    public JsonObject raw() {
        return json;
    }

    public boolean has(String field) {
        return json.containsKey(field) && json.get(field).getValueType() != JsonValue.ValueType.NULL;
    }

    /** The value as it is, or null when absent or null. */
    public JsonValue value(String field) {
        return has(field) ? json.get(field) : null;
    }

    public String string(String field) {
        JsonValue v = value(field);
        if (v == null) {
            return null;
        }
        if (v instanceof JsonString s) {
            return s.getString();
        }
        throw invalid(field, "Input should be a valid string", "string_type", v);
    }

    public Double number(String field) {
        JsonValue v = value(field);
        if (v == null) {
            return null;
        }
        if (v instanceof JsonNumber n) {
            return n.doubleValue();
        }
        throw invalid(field, "Input should be a valid number", "float_type", v);
    }

    public Integer integer(String field) {
        Long value = int64(field);
        if (value == null) {
            return null;
        }
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw invalid(field, "Input should be a valid integer, got a number too large for this field",
                    "int_parsing_size", json.get(field));
        }
        return value.intValue();
    }

    public Long int64(String field) {
        JsonValue v = value(field);
        if (v == null) {
            return null;
        }
        return int64(field, v);
    }

    private long int64(String field, JsonValue v) {
        if (!(v instanceof JsonNumber n)) {
            throw invalid(field, "Input should be a valid integer", "int_type", v);
        }
        BigDecimal decimal = n.bigDecimalValue();
        if (decimal.signum() == 0) {
            return 0;
        }
        // Judged from the digit count first: turning 1e99999999 (or 1e-99999999) into an integer
        // would take minutes and gigabytes.
        long integerDigits = (long) decimal.precision() - decimal.scale();
        if (integerDigits <= 0) {
            throw invalid(field, "Input should be a valid integer, got a number with a fractional part",
                    "int_from_float", v);
        }
        if (integerDigits > LONG_DIGITS) {
            throw outOfLongRange(field, decimal.signum(), v);
        }
        BigDecimal truncated = decimal.setScale(0, RoundingMode.DOWN);
        if (truncated.compareTo(decimal) != 0) {
            throw invalid(field, "Input should be a valid integer, got a number with a fractional part",
                    "int_from_float", v);
        }
        BigInteger whole = truncated.toBigIntegerExact();
        if (whole.compareTo(LONG_MIN) < 0 || whole.compareTo(LONG_MAX) > 0) {
            throw outOfLongRange(field, whole.signum(), v);
        }
        return whole.longValue();
    }

    private InvalidRequestException outOfLongRange(String field, int sign, JsonValue v) {
        return sign < 0
                ? invalid(field, "Input should be greater than or equal to " + Long.MIN_VALUE, "greater_than_equal", v)
                : invalid(field, "Input should be less than or equal to " + Long.MAX_VALUE, "less_than_equal", v);
    }

    public Boolean bool(String field) {
        JsonValue v = value(field);
        if (v == null) {
            return null;
        }
        if (v == JsonValue.TRUE) {
            return true;
        }
        if (v == JsonValue.FALSE) {
            return false;
        }
        throw invalid(field, "Input should be a valid boolean", "bool_type", v);
    }

    public boolean bool(String field, boolean absent) {
        Boolean value = bool(field);
        return value == null ? absent : value;
    }

    /** A string or a list of strings (as {@code stop} is); a single string becomes a list of one. */
    public List<String> stringOrList(String field) {
        JsonValue v = value(field);
        if (v == null) {
            return null;
        }
        if (v instanceof JsonString s) {
            return List.of(s.getString());
        }
        if (v instanceof JsonArray array) {
            List<String> strings = new ArrayList<>(array.size());
            for (int i = 0; i < array.size(); i++) {
                if (!(array.get(i) instanceof JsonString s)) {
                    throw invalid(field + "." + i, "Input should be a valid string", "string_type", array.get(i));
                }
                strings.add(s.getString());
            }
            return strings;
        }
        throw invalid(field, "Input should be a valid string or a list of strings", "string_type", v);
    }

    public List<Integer> intList(String field) {
        JsonValue v = value(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonArray array)) {
            throw invalid(field, "Input should be a valid list", "list_type", v);
        }
        List<Integer> ids = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            long id = int64(field + "." + i, array.get(i));
            if (id < Integer.MIN_VALUE || id > Integer.MAX_VALUE) {
                throw invalid(field + "." + i, "Input should be a valid integer, got a number too large for this field",
                        "int_parsing_size", array.get(i));
            }
            ids.add((int) id);
        }
        return ids;
    }

    /** An object of numbers, such as {@code logit_bias}; keys are kept as sent, in order. */
    public Map<String, Double> numberMap(String field) {
        JsonValue v = value(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonObject object)) {
            throw invalid(field, "Input should be a valid dictionary", "dict_type", v);
        }
        Map<String, Double> map = new LinkedHashMap<>();
        object.forEach((key, value) -> {
            if (!(value instanceof JsonNumber n)) {
                throw invalid(field + "." + key, "Input should be a valid number", "float_type", value);
            }
            map.put(key, n.doubleValue());
        });
        return map;
    }

    /** A nested object, read with the same rules (errors name {@code field.sub}). */
    public RequestJson object(String field) {
        JsonValue v = value(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonObject object)) {
            throw invalid(field, "Input should be a valid dictionary or object", "model_type", v);
        }
        return new RequestJson(object, model, prefix + field + ".");
    }

    /** A list of objects, each read with the same rules. */
    public List<RequestJson> objects(String field) {
        JsonValue v = value(field);
        if (v == null) {
            return null;
        }
        if (!(v instanceof JsonArray array)) {
            throw invalid(field, "Input should be a valid list", "list_type", v);
        }
        List<RequestJson> objects = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof JsonObject object)) {
                throw invalid(field + "." + i, "Input should be a valid dictionary or object", "model_type", array.get(i));
            }
            objects.add(new RequestJson(object, model, prefix + field + "." + i + "."));
        }
        return objects;
    }

    /** The error for a field whose value is not acceptable. */
    public InvalidRequestException invalid(String field, String message, String type, JsonValue input) {
        String path = prefix + field;
        String shown = input == null ? "None" : input.toString();
        if (shown.length() > 120) {
            shown = shown.substring(0, 117) + "...";
        }
        return new InvalidRequestException("1 validation error for " + model + "\n" + path + "\n  " + message
                + " [type=" + type + ", input_value=" + shown + "]", path);
    }

    /** The error for a required field that is missing. */
    public InvalidRequestException missing(String field) {
        String path = prefix + field;
        return new InvalidRequestException("1 validation error for " + model + "\n" + path
                + "\n  Field required [type=missing]", path);
    }
}
