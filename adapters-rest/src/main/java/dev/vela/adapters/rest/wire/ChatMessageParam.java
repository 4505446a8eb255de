package dev.vela.adapters.rest.wire;

import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.Role;
import dev.vela.domain.chat.ToolCall;
import dev.vela.domain.error.InvalidRequestException;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** One message of a chat request; extra keys are passed on to the chat template. */
@Schema(name = "ChatMessage")
public record ChatMessageParam(
        @Schema(required = true, description = "system, user, assistant, tool, or any custom role", example = "user")
        String role,
        @Schema(description = "a string or a list of text parts {\"type\":\"text\",\"text\":...}; null for an assistant message with tool calls",
                oneOf = {String.class, TextPart[].class}, example = "请介绍下中科院计算所？") String content,
        @Schema(description = "the author's name") String name,
        @Schema(description = "tool calls an assistant made") List<ToolCallParam> toolCalls,
        @Schema(description = "the call a tool message answers") String toolCallId,
        @Schema(hidden = true) Map<String, Object> extra) {

    private static final Set<String> KNOWN = Set.of("role", "content", "name", "tool_calls", "tool_call_id");

    /** A text part of a message's content. */
    @Schema(name = "TextPart")
    public record TextPart(@Schema(enumeration = {"text"}) String type, String text) {
    }

    /** A function call in an assistant message. */
    @Schema(name = "ToolCall")
    public record ToolCallParam(String id, @Schema(enumeration = {"function"}) String type, FunctionCall function) {
    }

    /** The function and its arguments (a JSON string). */
    @Schema(name = "FunctionCall")
    public record FunctionCall(String name, String arguments) {
    }

    static ChatMessageParam read(RequestJson json) {
        String role = json.string("role");
        if (role == null) {
            throw json.missing("role");
        }
        if (role.isEmpty()) {
            throw json.invalid("role", "String should have at least 1 character", "string_too_short", json.value("role"));
        }
        List<ToolCallParam> toolCalls = new ArrayList<>();
        List<RequestJson> calls = json.objects("tool_calls");
        if (calls != null) {
            for (RequestJson call : calls) {
                RequestJson function = call.object("function");
                if (function == null) {
                    throw call.missing("function");
                }
                toolCalls.add(new ToolCallParam(call.string("id"), call.string("type"),
                        new FunctionCall(function.string("name"), argumentsOf(function))));
            }
        }
        Map<String, Object> extra = new LinkedHashMap<>();
        json.raw().forEach((key, value) -> {
            if (!KNOWN.contains(key)) {
                extra.put(key, JsonValues.toJava(value));
            }
        });
        String content = toolCalls.isEmpty() || json.value("content") != null && json.value("content") != JsonValue.NULL
                ? content(json) : null;
        return new ChatMessageParam(role, content, json.string("name"), toolCalls, json.string("tool_call_id"), extra);
    }

    ChatMessage toDomain() {
        List<ToolCall> calls = toolCalls.stream()
                .map(c -> new ToolCall(c.id(), c.type(), c.function().name(), c.function().arguments()))
                .toList();
        return new ChatMessage(Role.of(role), content, calls, name, toolCallId, extra);
    }

    private static String argumentsOf(RequestJson function) {
        JsonValue arguments = function.value("arguments");
        if (arguments == null) {
            return "";
        }
        return arguments instanceof JsonString s ? s.getString() : arguments.toString();
    }

    /**
     * vLLM joins the text parts of a message with newlines, and reads a missing or null content as
     * no parts: the template sees {@code ""}. An assistant message that only calls tools is the
     * exception ({@link #read}): its content stays null, as transformers gets it, because vLLM's
     * {@code ""} makes the R1-Distill template drop the calls from the prompt.
     */
    private static String content(RequestJson json) {
        JsonValue content = json.value("content");
        if (content == null) {
            return "";
        }
        if (content instanceof JsonString s) {
            return s.getString();
        }
        if (content instanceof JsonArray parts) {
            List<String> texts = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                if (!(parts.get(i) instanceof JsonObject part)) {
                    throw json.invalid("content." + i, "Input should be a valid dictionary or object", "model_type", parts.get(i));
                }
                JsonValue typeValue = part.get("type");
                if (typeValue != null && !(typeValue instanceof JsonString)) {
                    throw json.invalid("content." + i + ".type", "Input should be a valid string", "string_type", typeValue);
                }
                String type = typeValue == null ? "text" : ((JsonString) typeValue).getString();
                if (!"text".equals(type)) {
                    throw new InvalidRequestException("Only text content is supported by this model, got a content part of type '"
                            + type + "'.", "messages");
                }
                if (!(part.get("text") instanceof JsonString text)) {
                    throw json.invalid("content." + i + ".text", "Input should be a valid string", "string_type", part.get("text"));
                }
                texts.add(text.getString());
            }
            return String.join("\n", texts);
        }
        throw json.invalid("content", "Input should be a valid string or a list of content parts", "string_type", content);
    }
}
