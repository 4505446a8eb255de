package dev.vela.adapters.rest.wire;

import dev.vela.application.port.in.TokenizeCommand;

/** Reads a {@code POST /tokenize} body in whichever of vLLM's two forms it comes: with messages, the chat form. */
public final class TokenizeRequests {

    private TokenizeRequests() {
    }

    public static TokenizeCommand read(RequestJson json) {
        return json.has("messages") ? TokenizeChatRequest.read(json).toCommand()
                : TokenizeCompletionRequest.read(json).toCommand();
    }
}
