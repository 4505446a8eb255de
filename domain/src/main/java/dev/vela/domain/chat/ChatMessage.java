package dev.vela.domain.chat;

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
        extra = extra == null ? Map.of() : Map.copyOf(extra);
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
