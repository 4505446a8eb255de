package dev.vela.adapters.rest.wire;

import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * {@code response_format}, checked against vLLM's types: an object whose {@code type} is one vLLM
 * knows, and for {@code json_schema} a named schema. The output is not constrained by it.
 */
@Schema(name = "ResponseFormat", description = "accepted and checked; the output is not constrained by it")
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
            schema.object("schema");
            schema.bool("strict");
        }
        return new ResponseFormat(name.getString(), schema == null ? null : JsonValues.toMap(schema.raw()));
    }
}
