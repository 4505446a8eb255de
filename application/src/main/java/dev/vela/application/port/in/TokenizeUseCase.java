package dev.vela.application.port.in;

/** Turns text or a conversation into the served model's token ids and back ({@code POST /tokenize}, {@code /detokenize}). */
public interface TokenizeUseCase {

    /**
     * Tokenizes a prompt, or a conversation rendered with the chat template, exactly as a
     * completion or chat request would be.
     *
     * @throws dev.vela.domain.error.InvalidRequestException when the chat template fails
     * @throws dev.vela.domain.error.NotFoundException       for a model that is not served
     */
    Tokenized tokenize(TokenizeCommand command);

    /**
     * The text of token ids, special tokens included.
     *
     * @throws dev.vela.domain.error.InvalidRequestException for an id outside the vocabulary
     * @throws dev.vela.domain.error.NotFoundException       for a model that is not served
     */
    String detokenize(DetokenizeCommand command);
}
