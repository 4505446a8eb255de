package dev.vela.domain.reasoning;

/**
 * DeepSeek-R1's split of a model's output into its reasoning and its answer, as vLLM's
 * {@code deepseek_r1} reasoning parser makes it. The R1-Distill chat template already ends the
 * prompt with {@code <think>\n}, so the output normally starts inside the reasoning and the
 * answer follows {@code </think>}.
 *
 * @param reasoning the reasoning, or null
 * @param content   the answer, or null
 */
public record ReasoningSplit(String reasoning, String content) {

    public static final String START = "<think>";
    public static final String END = "</think>";

    /**
     * The whole output at once: everything up to the first {@code <think>} is dropped; without
     * {@code </think>} the whole output is reasoning and there is no content; otherwise the
     * reasoning is what comes before it and the content what comes after (null when empty).
     */
    public static ReasoningSplit of(String output) {
        String text = output;
        int start = text.indexOf(START);
        if (start >= 0) {
            text = text.substring(start + START.length());
        }
        int end = text.indexOf(END);
        if (end < 0) {
            return new ReasoningSplit(text, null);
        }
        String content = text.substring(end + END.length());
        return new ReasoningSplit(text.substring(0, end), content.isEmpty() ? null : content);
    }

    /** True when neither part has text (a streamed piece that carried only a marker). */
    public boolean isEmpty() {
        return (reasoning == null || reasoning.isEmpty()) && (content == null || content.isEmpty());
    }
}
