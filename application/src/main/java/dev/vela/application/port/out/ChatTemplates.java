package dev.vela.application.port.out;

import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import java.util.List;

/** Renders a conversation into prompt text with the model's chat template (or the request's own). */
public interface ChatTemplates {

    /**
     * Renders {@code messages}.
     *
     * @throws dev.vela.domain.error.InvalidRequestException when the template fails or raises an
     *                                                       exception about the conversation
     */
    String render(List<ChatMessage> messages, ChatRenderOptions options);
}
