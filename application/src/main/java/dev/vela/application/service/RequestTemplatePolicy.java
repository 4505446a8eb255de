package dev.vela.application.service;

import dev.vela.application.port.out.ChatTemplates;
import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.error.InvalidRequestException;
import java.util.List;

/**
 * Whether a request may bring its own chat template, in {@code chat_template} or inside
 * {@code chat_template_kwargs}: only when the server was started with
 * {@code --trust-request-chat-template}, as in vLLM, because a template is code the server runs.
 * Chat and the chat form of tokenize render through it alike.
 */
public final class RequestTemplatePolicy implements ChatTemplates {

    /** vLLM's words. */
    static final String UNTRUSTED = "Chat template is passed with request, but --trust-request-chat-template is not set. "
            + "Refused request with untrusted chat template.";

    private final ChatTemplates templates;
    private final boolean trustRequestTemplates;

    public RequestTemplatePolicy(ChatTemplates templates, boolean trustRequestTemplates) {
        this.templates = templates;
        this.trustRequestTemplates = trustRequestTemplates;
    }

    @Override
    public String render(List<ChatMessage> messages, ChatRenderOptions options) {
        if (!trustRequestTemplates && options.bringsTemplate()) {
            throw new InvalidRequestException(UNTRUSTED, "chat_template");
        }
        return templates.render(messages, options);
    }
}
