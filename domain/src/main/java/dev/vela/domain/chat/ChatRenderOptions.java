package dev.vela.domain.chat;

import dev.vela.domain.error.InvalidRequestException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a conversation becomes a prompt: whether to open the assistant's turn
 * ({@code add_generation_prompt}), or continue the last message instead
 * ({@code continue_final_message}), extra template variables ({@code chat_template_kwargs}, whose
 * values may be null, Python's None), the tools offered, and a per-request template source (null
 * for the model's own).
 */
public record ChatRenderOptions(boolean addGenerationPrompt, boolean continueFinalMessage,
                                Map<String, Object> templateKwargs, List<Map<String, Object>> tools,
                                String templateOverride) {

    /** The keyword argument that is the template itself rather than a template variable. */
    public static final String TEMPLATE_KWARG = "chat_template";

    public ChatRenderOptions {
        if (addGenerationPrompt && continueFinalMessage) {
            throw new InvalidRequestException(
                    "Cannot set both `continue_final_message` and `add_generation_prompt` to True.",
                    "continue_final_message");
        }
        templateKwargs = templateKwargs == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(templateKwargs));
        tools = tools == null ? List.of() : List.copyOf(tools);
    }

    /**
     * The template the request brings, or null for the model's: a {@code chat_template} inside
     * {@code chat_template_kwargs} wins over the {@code chat_template} field, as in vLLM, which
     * merges the keyword arguments over its own.
     */
    public String requestTemplate() {
        Object fromKwargs = templateKwargs.get(TEMPLATE_KWARG);
        if (fromKwargs == null) {
            return templateOverride;
        }
        if (!(fromKwargs instanceof String source)) {
            throw new InvalidRequestException("chat_template_kwargs.chat_template must be a string", "chat_template_kwargs");
        }
        return source;
    }

    /** Whether the request brings a template of its own, in either place. */
    public boolean bringsTemplate() {
        return templateOverride != null || templateKwargs.get(TEMPLATE_KWARG) != null;
    }

    /** The defaults of the OpenAI chat API: open the assistant's turn, nothing else. */
    public static ChatRenderOptions defaults() {
        return new ChatRenderOptions(true, false, Map.of(), List.of(), null);
    }
}
