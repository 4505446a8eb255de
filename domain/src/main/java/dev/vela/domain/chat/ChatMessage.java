package dev.vela.domain.chat;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One message of a conversation. {@code content} is null when an assistant message only carries
 * tool calls; {@code extra} holds any further fields the client sent, which a template may read.
 */
public record ChatMessage(Role role, String content, List<ToolCall> toolCalls, String name,
                          String toolCallId, Map<String, Object> extra) {

    public ChatMessage {
        if (role == null) {
            throw new IllegalArgumentException("role must not be null");
        }
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        // A client may send a field as null, and the template may test for it: Map.copyOf refuses nulls.
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    public static ChatMessage of(Role role, String content) {
        return new ChatMessage(role, content, List.of(), null, null, Map.of());
    }

    public static ChatMessage system(String content) {
        return of(Role.SYSTEM, content);
    }

    public static ChatMessage user(String content) {
        return of(Role.USER, content);
    }

    public static ChatMessage assistant(String content) {
        return of(Role.ASSISTANT, content);
    }
}
