package dev.vela.application.port.in;

import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.sampling.SamplingParams;
import dev.vela.domain.tools.ToolChoice;
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
 * @param toolChoice whether and how the answer calls the tools in {@code render}
 * @param parallelToolCalls whether a {@code "required"} answer may make more than one call
 */
public record ChatCommand(String model, List<ChatMessage> messages, ChatRenderOptions render, SamplingParams sampling,
                          boolean includeReasoning, ToolChoice toolChoice, boolean parallelToolCalls) {

    /** A request that calls no tools. */
    public ChatCommand(String model, List<ChatMessage> messages, ChatRenderOptions render, SamplingParams sampling,
                       boolean includeReasoning) {
        this(model, messages, render, sampling, includeReasoning, ToolChoice.NONE, true);
    }

    public ChatCommand {
        if (messages == null || messages.isEmpty()) {
            throw new InvalidRequestException("messages must contain at least one message.", "messages");
        }
        messages = List.copyOf(messages);
        render = render == null ? ChatRenderOptions.defaults() : render;
        toolChoice = toolChoice == null ? ToolChoice.NONE : toolChoice;
    }
}
