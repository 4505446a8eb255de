package dev.vela.application.service;

import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.error.InvalidRequestException;

/**
 * Whether a request may bring its own chat template, in {@code chat_template} or inside
 * {@code chat_template_kwargs}: only when the server was started with
 * {@code --trust-request-chat-template}, as in vLLM, because a template is code the server runs.
 * Chat and the chat form of tokenize check it alike before rendering.
 *
 * @param trustRequestTemplates whether request templates are allowed
 */
public record RequestTemplatePolicy(boolean trustRequestTemplates) {

    /** vLLM's words. */
    static final String UNTRUSTED = "Chat template is passed with request, but --trust-request-chat-template is not set. "
            + "Refused request with untrusted chat template.";

    /** @throws InvalidRequestException when the request brings a template the server does not trust */
    public void check(ChatRenderOptions options) {
        if (!trustRequestTemplates && options.bringsTemplate()) {
            throw new InvalidRequestException(UNTRUSTED, "chat_template");
        }
    }
}
