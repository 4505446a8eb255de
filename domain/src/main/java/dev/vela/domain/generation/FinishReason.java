package dev.vela.domain.generation;

/** Why a sequence stopped, with the name the OpenAI wire format uses. */
public enum FinishReason {
    /** EOS, a stop token id or a stop string. */
    STOP("stop"),
    /** {@code max_tokens} or the context length was reached. */
    LENGTH("length"),
    /** The request was cancelled, e.g. the client went away. */
    ABORT("abort"),
    /** The model called tools. */
    TOOL_CALLS("tool_calls");

    private final String wireName;

    FinishReason(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }
}
