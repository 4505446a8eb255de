package dev.vela.application.port.in;

import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.error.InvalidRequestException;
import java.util.List;

/** What {@code POST /tokenize} tokenizes: a prompt (vLLM's completion form) or a conversation (its chat form). */
public sealed interface TokenizeCommand {

    /** The requested model name (null or empty: the served model). */
    String model();

    /** Whether the tokenizer adds the model's special tokens around the text (BOS for R1-Distill). */
    boolean addSpecialTokens();

    /** Whether to return each token's string as well as its id. */
    boolean returnTokenStrs();

    /** A prompt; vLLM adds special tokens unless told not to. */
    record Prompt(String model, String prompt, boolean addSpecialTokens, boolean returnTokenStrs) implements TokenizeCommand {

        public Prompt {
            if (prompt == null) {
                throw new InvalidRequestException("prompt must be a string.", "prompt");
            }
        }
    }

    /**
     * A conversation, rendered with the chat template first; the template writes BOS itself, so vLLM
     * adds no special tokens unless told to.
     */
    record Chat(String model, List<ChatMessage> messages, ChatRenderOptions render, boolean addSpecialTokens,
                boolean returnTokenStrs) implements TokenizeCommand {

        public Chat {
            messages = List.copyOf(messages);
            render = render == null ? ChatRenderOptions.defaults() : render;
        }
    }
}
