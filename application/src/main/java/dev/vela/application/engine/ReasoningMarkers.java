package dev.vela.application.engine;

/**
 * The tokens that open and close a reasoning model's reasoning ({@code <think>} and
 * {@code </think>} for DeepSeek-R1): a structured output constrains only what follows the end.
 */
public record ReasoningMarkers(int startId, int endId) {

    /**
     * True when the prompt already closed the reasoning: the last marker in it is the end (a chat
     * template that skips the reasoning), as vLLM's reasoning parsers decide.
     */
    boolean endedIn(int[] promptIds) {
        for (int i = promptIds.length - 1; i >= 0; i--) {
            if (promptIds[i] == startId) {
                return false;
            }
            if (promptIds[i] == endId) {
                return true;
            }
        }
        return false;
    }
}
