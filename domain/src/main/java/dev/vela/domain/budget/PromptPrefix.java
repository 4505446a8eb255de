package dev.vela.domain.budget;

/**
 * Where a long prompt can be cut so that its start tokenizes to exactly the first tokens of the
 * whole prompt: a start that already fills the context then proves the whole does, before the
 * rest is tokenized.
 *
 * <p>The cut falls just before a space or a newline that follows a letter or a digit. Byte-level
 * BPE tokenizers (GPT-2's, Qwen2's, Llama 3's and DeepSeek's pre-tokenizers) always split the text
 * there: a run of letters or digits ends, and no piece carries whitespace after a letter or digit.
 * BPE merges never cross those splits, so every token of the start is a token of the whole. The
 * tokenizers' added tokens hold no such space, so none is cut in two either.
 */
public final class PromptPrefix {

    private PromptPrefix() {
    }

    /**
     * The end of the start of {@code text} to tokenize first: the last cut point at or before
     * {@code chars} and after half of it; -1 when the text is not longer than {@code chars}, or
     * has no cut point there (it is then tokenized whole, as it would be anyway).
     */
    public static int end(String text, int chars) {
        if (text.length() <= chars) {
            return -1;
        }
        for (int i = chars; i > chars / 2; i--) {
            char c = text.charAt(i);
            if ((c == ' ' || c == '\n') && Character.isLetterOrDigit(text.charAt(i - 1))) {
                return i;
            }
        }
        return -1;
    }
}
