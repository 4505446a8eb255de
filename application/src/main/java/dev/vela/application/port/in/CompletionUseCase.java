package dev.vela.application.port.in;

/** Continues prompts ({@code POST /v1/completions}). */
public interface CompletionUseCase {

    /**
     * Validates the command, tokenizes its prompts and starts generating.
     *
     * @throws dev.vela.domain.error.InvalidRequestException for anything the client must fix
     * @throws dev.vela.domain.error.NotFoundException       for a model that is not served
     */
    Generation complete(CompletionCommand command);
}
