package dev.vela.application.service;

import java.util.Optional;

/**
 * What the server's flags decide about chat answers.
 *
 * @param splitReasoning             whether answers are split into reasoning and content with
 *                                   DeepSeek-R1's rules ({@code --reasoning-parser deepseek_r1})
 * @param toolCallParser             the parser that reads calls out of answers when the model may choose
 *                                   ({@code --enable-auto-tool-choice --tool-call-parser NAME}); empty without
 * @param defaultThinkingTokenBudget the reasoning budget of a request that sets none
 *                                   ({@code --thinking-token-budget}); empty: unbounded
 */
public record ChatSettings(boolean splitReasoning, Optional<String> toolCallParser,
                           Optional<Integer> defaultThinkingTokenBudget) {

    public ChatSettings {
        toolCallParser = toolCallParser == null ? Optional.empty() : toolCallParser;
        defaultThinkingTokenBudget = defaultThinkingTokenBudget == null ? Optional.empty() : defaultThinkingTokenBudget;
    }

    /** Plain answers: no reasoning split, no tool calls read, no reasoning budget. */
    public static ChatSettings plain() {
        return new ChatSettings(false, Optional.empty(), Optional.empty());
    }
}
