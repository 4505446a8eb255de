package dev.vela.domain.chat;

/** A function call an assistant made in an earlier turn, as the chat template needs it. */
public record ToolCall(String id, String type, String functionName, String arguments) {

    public ToolCall {
        type = type == null ? "function" : type;
        arguments = arguments == null ? "" : arguments;
    }
}
