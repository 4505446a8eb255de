package dev.vela.application.port.in;

/** Answers a conversation ({@code POST /v1/chat/completions}). */
public interface ChatUseCase {

    /**
     * Validates the command, renders and tokenizes the conversation and starts generating.
     *
     * @throws dev.vela.domain.error.InvalidRequestException for anything the client must fix
     * @throws dev.vela.domain.error.NotFoundException       for a model that is not served
     */
    Generation chat(ChatCommand command);
}
