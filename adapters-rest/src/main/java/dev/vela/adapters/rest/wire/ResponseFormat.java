package dev.vela.adapters.rest.wire;

import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code response_format}, checked against vLLM's types: an object whose {@code type} is one vLLM
 * knows, and for {@code json_schema} a named schema. {@code json_object} and {@code json_schema}
 * constrain the answer ({@link StructuredOutputsParams#constraint}); {@code structural_tag} is refused.
 */
@Schema(name = "ResponseFormat", description = "json_object: the answer is a JSON object; json_schema: the answer is "
        + "valid against json_schema.schema; text: free text")
public record ResponseFormat(
        @Schema(enumeration = {"text", "json_object", "json_schema", "structural_tag"}) String type,
        @Schema(description = "for json_schema: {name, description, schema, strict}") Map<String, Object> jsonSchema) {

    private static final Set<String> TYPES = Set.of("text", "json_object", "json_schema", "structural_tag");

    /** The field as sent, or null when absent. */
    static ResponseFormat read(RequestJson json) {
        RequestJson format = json.object("response_format");
        if (format == null) {
            return null;
        }
        JsonValue type = format.value("type");
        if (type == null) {
            throw format.missing("type");
        }
        if (!(type instanceof JsonString name) || !TYPES.contains(name.getString())) {
            throw format.invalid("type", "Input should be 'text', 'json_object', 'json_schema' or 'structural_tag'",
                    "literal_error", type);
        }
        RequestJson schema = format.object("json_schema");
        if (schema == null && name.getString().equals("json_schema")) {
            throw format.missing("json_schema");
        }
        if (schema != null) {
            if (schema.string("name") == null) {
                throw schema.missing("name");
            }
            schema.string("description");
            if (schema.object("schema") == null) {
                throw schema.missing("schema");
            }
            schema.bool("strict");
        }
        return new ResponseFormat(name.getString(), schema == null ? null : JsonValues.toExactMap(schema.raw()));
    }

    /** The JSON Schema of a {@code json_schema} format, numbers as {@link java.math.BigDecimal}. */
    Object schema() {
        return jsonSchema.get("schema");
    }
}
