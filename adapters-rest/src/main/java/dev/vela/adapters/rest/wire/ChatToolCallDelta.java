package dev.vela.adapters.rest.wire;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A call's part of a streamed chunk ({@code delta.tool_calls}): its first part carries the id, type
 * and function name; every part may carry more of the arguments. Absent fields did not change.
 */
@Schema(name = "ChatCompletionToolCallDelta")
@JsonbPropertyOrder({"index", "id", "type", "function"})
public record ChatToolCallDelta(int index, String id, @Schema(enumeration = {"function"}) String type, Function function) {

    /** The function's name (first part only) and a piece of its arguments. */
    @Schema(name = "ChatCompletionFunctionCallDelta")
    @JsonbPropertyOrder({"name", "arguments"})
    public record Function(String name, String arguments) {
    }
}
