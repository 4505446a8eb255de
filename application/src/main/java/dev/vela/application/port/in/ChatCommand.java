package dev.vela.application.port.in;

import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.sampling.SamplingParams;
import java.util.List;

/**
 * A chat request in domain terms.
 *
 * @param model    the requested model name (null or empty: the served model)
 * @param messages the conversation so far
 * @param render   how the conversation becomes a prompt
 * @param sampling the request's sampling fields, before server defaults
 * @param includeReasoning with a reasoning parser, whether the answer carries the reasoning
 *                         ({@code include_reasoning}, default true)
 */
public record ChatCommand(String model, List<ChatMessage> messages, ChatRenderOptions render, SamplingParams sampling,
                          boolean includeReasoning) {

    public ChatCommand {
        if (messages == null || messages.isEmpty()) {
            throw new InvalidRequestException("messages must contain at least one message.", "messages");
        }
        messages = List.copyOf(messages);
        render = render == null ? ChatRenderOptions.defaults() : render;
    }
}
