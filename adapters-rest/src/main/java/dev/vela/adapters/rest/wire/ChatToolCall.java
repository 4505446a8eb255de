package dev.vela.adapters.rest.wire;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A call the assistant makes in its answer ({@code message.tool_calls}). */
@Schema(name = "ChatCompletionMessageToolCall")
@JsonbPropertyOrder({"id", "type", "function"})
public record ChatToolCall(@Schema(example = "chatcmpl-tool-0f3a...") String id,
                           @Schema(enumeration = {"function"}) String type,
                           Function function) {

    /** The function called and its arguments, a JSON string. */
    @Schema(name = "ChatCompletionFunctionCall")
    @JsonbPropertyOrder({"name", "arguments"})
    public record Function(String name, @Schema(example = "{\"city\": \"Paris\"}") String arguments) {
    }
}
