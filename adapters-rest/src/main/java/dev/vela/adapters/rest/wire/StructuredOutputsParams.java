package dev.vela.adapters.rest.wire;

import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.structured.JsonWhitespace;
import dev.vela.domain.structured.OutputConstraint;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * vLLM's {@code structured_outputs} object, together with the older top-level {@code guided_*}
 * fields it replaces, read as one: at most one kind of constraint, and the whitespace options of
 * a JSON answer. {@link #constraint(ResponseFormat)} joins it with {@code response_format}.
 */
@Schema(name = "StructuredOutputsParams", description = "vLLM: what the answer must match, token by token; "
        + "at most one of json, regex, choice, grammar and json_object (nor beside a JSON response_format)")
public record StructuredOutputsParams(
        @Schema(description = "a JSON Schema (an object, or a string holding one)") Object json,
        @Schema(description = "a regular expression the whole answer matches") String regex,
        @Schema(description = "the answer is one of these strings") List<String> choice,
        @Schema(description = "an EBNF grammar (GBNF) starting at rule root") String grammar,
        @Schema(description = "the answer is any JSON object") Boolean jsonObject,
        @Schema(description = "no whitespace between JSON tokens", defaultValue = "false") Boolean disableAnyWhitespace,
        @Schema(description = "accepted; properties beyond a schema's are refused by default anyway",
                defaultValue = "false") Boolean disableAdditionalProperties,
        @Schema(description = "a regular expression for the whitespace between JSON tokens") String whitespacePattern,
        @Schema(hidden = true) List<String> fields) {

    private static final String OBJECT = "structured_outputs";

    /** {@code structured_outputs} and the {@code guided_*} fields; null when the request has none of them. */
    static StructuredOutputsParams read(RequestJson json) {
        RequestJson object = json.object(OBJECT);
        if (object != null && object.has("structural_tag")) {
            throw new InvalidRequestException("structured_outputs.structural_tag is not supported.",
                    OBJECT + ".structural_tag");
        }
        json.string("guided_decoding_backend");
        List<String> fields = new ArrayList<>();
        Object schema = pick(fields, object, "json", json, "guided_json", StructuredOutputsParams::schema);
        String regex = pick(fields, object, "regex", json, "guided_regex", RequestJson::string);
        List<String> choice = pick(fields, object, "choice", json, "guided_choice", StructuredOutputsParams::strings);
        String grammar = pick(fields, object, "grammar", json, "guided_grammar", RequestJson::string);
        Boolean jsonObject = object == null ? null : object.bool("json_object");
        if (Boolean.TRUE.equals(jsonObject)) {
            fields.add(OBJECT + ".json_object");
        }
        Boolean disableAnyWhitespace = object == null ? null : object.bool("disable_any_whitespace");
        Boolean disableAdditionalProperties = object == null ? null : object.bool("disable_additional_properties");
        String whitespacePattern = object == null ? null : object.string("whitespace_pattern");
        if (whitespacePattern == null) {
            whitespacePattern = json.string("guided_whitespace_pattern");
        }
        if (whitespacePattern != null && Boolean.TRUE.equals(disableAnyWhitespace)) {
            throw new InvalidRequestException("whitespace_pattern cannot be used with disable_any_whitespace.",
                    object != null && object.has("whitespace_pattern") ? OBJECT + ".whitespace_pattern"
                            : "guided_whitespace_pattern");
        }
        if (fields.isEmpty() && object == null && whitespacePattern == null) {
            return null;
        }
        return new StructuredOutputsParams(schema, regex, choice, grammar, jsonObject, disableAnyWhitespace,
                disableAdditionalProperties, whitespacePattern, List.copyOf(fields));
    }

    /**
     * What the answer must match, from {@code structured_outputs} (or {@code guided_*}) and
     * {@code response_format}; null for free text.
     *
     * @throws InvalidRequestException when more than one kind of constraint is asked for
     */
    static OutputConstraint constraint(StructuredOutputsParams params, ResponseFormat format) {
        List<String> kinds = new ArrayList<>(params == null ? List.of() : params.fields());
        boolean jsonFormat = format != null && !format.type().equals("text");
        if (jsonFormat) {
            kinds.addFirst("response_format");
        }
        if (kinds.size() > 1) {
            throw new InvalidRequestException("You can only use one kind of structured outputs constraint but multiple "
                    + "are specified: " + String.join(", ", kinds) + ".", kinds.get(1));
        }
        JsonWhitespace whitespace = params == null ? JsonWhitespace.BOUNDED : params.whitespace();
        if (jsonFormat) {
            return switch (format.type()) {
                case "json_object" -> new OutputConstraint.JsonObject(whitespace, "response_format");
                case "json_schema" -> new OutputConstraint.JsonSchema(format.schema(), whitespace,
                        "response_format.json_schema.schema");
                default -> throw new InvalidRequestException("response_format of type " + format.type()
                        + " is not supported.", "response_format.type");
            };
        }
        if (kinds.isEmpty()) {
            return null;
        }
        String field = kinds.getFirst();
        if (params.json() != null) {
            return new OutputConstraint.JsonSchema(params.json(), whitespace, field);
        }
        if (params.regex() != null) {
            return new OutputConstraint.Regex(params.regex(), field);
        }
        if (params.choice() != null) {
            return new OutputConstraint.Choice(params.choice(), field);
        }
        if (params.grammar() != null) {
            return new OutputConstraint.Grammar(params.grammar(), field);
        }
        return new OutputConstraint.JsonObject(whitespace, field);
    }

    private JsonWhitespace whitespace() {
        if (Boolean.TRUE.equals(disableAnyWhitespace)) {
            return JsonWhitespace.NONE;
        }
        return whitespacePattern == null ? JsonWhitespace.BOUNDED : JsonWhitespace.pattern(whitespacePattern);
    }

    private interface Reader<T> {
        T read(RequestJson json, String field);
    }

    /** The value of {@code structured_outputs.<name>}, else of the top-level {@code legacy} field, noting which was sent. */
    private static <T> T pick(List<String> fields, RequestJson object, String name, RequestJson json, String legacy,
            Reader<T> reader) {
        T value = object == null ? null : reader.read(object, name);
        if (value != null) {
            fields.add(OBJECT + "." + name);
        }
        T old = reader.read(json, legacy);
        if (old != null) {
            fields.add(legacy);
        }
        return value != null ? value : old;
    }

    /** A JSON Schema: an object, or a string holding one (as vLLM takes it). */
    private static Object schema(RequestJson json, String field) {
        JsonValue value = json.value(field);
        if (value == null) {
            return null;
        }
        if (value instanceof JsonString text) {
            String exceeded = JsonLimits.exceeded(text.getString());
            if (exceeded != null) {
                throw json.invalid(field, "Input should be a JSON Schema; in the string, " + exceeded, "json_invalid",
                        value);
            }
            try (var reader = Json.createReader(new StringReader(text.getString()))) {
                value = reader.readValue();
            } catch (JsonParsingException e) {
                throw json.invalid(field, "Input should be a JSON Schema; the string is not valid JSON: "
                        + e.getMessage(), "json_invalid", value);
            } catch (JsonException e) {
                throw json.invalid(field, "Input should be a JSON Schema; the string is not valid JSON",
                        "json_invalid", value);
            }
        }
        if (value.getValueType() != JsonValue.ValueType.OBJECT && value.getValueType() != JsonValue.ValueType.TRUE
                && value.getValueType() != JsonValue.ValueType.FALSE) {
            throw json.invalid(field, "Input should be a valid dictionary", "dict_type", value);
        }
        return JsonValues.toExact(value);
    }

    private static List<String> strings(RequestJson json, String field) {
        JsonValue value = json.value(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof JsonArray array)) {
            throw json.invalid(field, "Input should be a valid list", "list_type", value);
        }
        List<String> strings = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            if (!(array.get(i) instanceof JsonString text)) {
                throw json.invalid(field + "." + i, "Input should be a valid string", "string_type", array.get(i));
            }
            strings.add(text.getString());
        }
        return strings;
    }
}
