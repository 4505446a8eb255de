package dev.vela.adapters.hf.random;

import java.util.List;

/**
 * The added tokens of DeepSeek-R1-Distill-Qwen's tokenizer, in id order (151643 onwards in the
 * real vocabulary), with their {@code special} flags: only BOS, EOS and the vision/quad markers are
 * special, so {@code <think>} and the role markers survive {@code skip_special_tokens}.
 */
public final class R1DistillTokens {

    /** One added token. */
    public record AddedToken(String content, boolean special) {
    }

    public static final String EOS = "<｜end▁of▁sentence｜>";
    public static final String BOS = "<｜begin▁of▁sentence｜>";
    public static final String USER = "<｜User｜>";
    public static final String ASSISTANT = "<｜Assistant｜>";
    public static final String THINK = "<think>";
    public static final String END_THINK = "</think>";

    /** In id order; the first is the real vocabulary's id 151643. */
    public static final List<AddedToken> ALL = List.of(
            new AddedToken(EOS, true),
            new AddedToken(USER, false),
            new AddedToken(ASSISTANT, false),
            new AddedToken(BOS, true),
            new AddedToken("<|EOT|>", false),
            new AddedToken(THINK, false),
            new AddedToken(END_THINK, false),
            new AddedToken("<|quad_start|>", true),
            new AddedToken("<|quad_end|>", true),
            new AddedToken("<|vision_start|>", true),
            new AddedToken("<|vision_end|>", true),
            new AddedToken("<|vision_pad|>", true),
            new AddedToken("<|image_pad|>", true),
            new AddedToken("<|video_pad|>", true),
            new AddedToken("<tool_call>", false),
            new AddedToken("</tool_call>", false),
            new AddedToken("<|fim_prefix|>", false),
            new AddedToken("<|fim_middle|>", false),
            new AddedToken("<|fim_suffix|>", false),
            new AddedToken("<|fim_pad|>", false),
            new AddedToken("<|repo_name|>", false),
            new AddedToken("<|file_sep|>", false));

    private R1DistillTokens() {
    }

    /** Offset of {@code content} in {@link #ALL}. */
    public static int indexOf(String content) {
        for (int i = 0; i < ALL.size(); i++) {
            if (ALL.get(i).content().equals(content)) {
                return i;
            }
        }
        throw new IllegalArgumentException("not an R1-Distill added token: " + content);
    }
}
