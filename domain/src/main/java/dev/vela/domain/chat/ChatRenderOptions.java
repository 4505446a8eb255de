package dev.vela.domain.chat;

import dev.vela.domain.error.InvalidRequestException;
import java.util.List;
import java.util.Map;

/**
 * How a conversation becomes a prompt: whether to open the assistant's turn
 * ({@code add_generation_prompt}), or continue the last message instead
 * ({@code continue_final_message}), extra template variables ({@code chat_template_kwargs}),
 * the tools offered, and a per-request template source (null for the model's own).
 */
public record ChatRenderOptions(boolean addGenerationPrompt, boolean continueFinalMessage,
                                Map<String, Object> templateKwargs, List<Map<String, Object>> tools,
                                String templateOverride) {

    public ChatRenderOptions {
        if (addGenerationPrompt && continueFinalMessage) {
            throw new InvalidRequestException(
                    "Cannot set both `continue_final_message` and `add_generation_prompt` to True.",
                    "continue_final_message");
        }
        templateKwargs = templateKwargs == null ? Map.of() : Map.copyOf(templateKwargs);
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    /** The defaults of the OpenAI chat API: open the assistant's turn, nothing else. */
    public static ChatRenderOptions defaults() {
        return new ChatRenderOptions(true, false, Map.of(), List.of(), null);
    }
}
