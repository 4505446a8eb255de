package dev.vela.application.engine;

import dev.vela.application.port.out.Tokenizer;
import dev.vela.domain.reasoning.ReasoningSplit;
import dev.vela.domain.sampling.SamplingParams;
import java.util.Arrays;

/**
 * One sequence's reasoning budget ({@code thinking_token_budget}): counts the tokens it generates
 * inside its reasoning, and once the budget is spent and the output ends on a whole UTF-8
 * character, forces the tokens of {@code </think>} one step at a time; the answer follows. The
 * output is inside the reasoning when the prompt leaves a {@code <think>} open (the R1-Distill
 * template ends with one) or once the model writes one.
 */
final class ReasoningBudget {

    private final int budget;
    private final int[] startIds;
    private final int[] endIds;
    private final int[] recent;
    private int recentLength;
    private boolean inside;
    private int spent;
    /** The next token of {@code </think>} to force, or -1 while nothing is forced. */
    private int forcing = -1;
    /** Continuation bytes the last UTF-8 character still needs. */
    private int owedBytes;

    private ReasoningBudget(int budget, int[] startIds, int[] endIds, int[] promptIds) {
        this.budget = budget;
        this.startIds = startIds;
        this.endIds = endIds;
        this.recent = new int[Math.max(startIds.length, endIds.length)];
        this.inside = lastIndexOf(promptIds, startIds) > lastIndexOf(promptIds, endIds);
        startForcingIfSpent();
    }

    /** The budget of a sequence, or null when its request sets none. */
    static ReasoningBudget of(SamplingParams params, int[] promptIds, Tokenizer tokenizer) {
        if (params.thinkingTokenBudget() == null) {
            return null;
        }
        return new ReasoningBudget(params.thinkingTokenBudget(), tokenizer.encode(ReasoningSplit.START, false),
                tokenizer.encode(ReasoningSplit.END, false), promptIds);
    }

    /** The token the next step must take, or -1 when the sampler chooses. */
    int forcedToken() {
        return forcing >= 0 ? endIds[forcing] : -1;
    }

    /** Counts a generated token (sampled or forced), whose bytes are {@code bytes}. */
    void accept(int token, byte[] bytes) {
        remember(token);
        if (forcing >= 0) {
            forcing++;
            if (forcing == endIds.length) {
                forcing = -1;
                inside = false;
            }
            return;
        }
        for (byte b : bytes) {
            owedBytes = (b & 0xC0) == 0x80 ? Math.max(0, owedBytes - 1)
                    : (b & 0xE0) == 0xC0 ? 1 : (b & 0xF0) == 0xE0 ? 2 : (b & 0xF8) == 0xF0 ? 3 : 0;
        }
        if (endsWith(endIds)) {
            inside = false;
        } else if (endsWith(startIds)) {
            inside = true;
        } else if (inside) {
            spent++;
        }
        startForcingIfSpent();
    }

    private void startForcingIfSpent() {
        if (inside && spent >= budget && owedBytes == 0 && endIds.length > 0) {
            forcing = 0;
        }
    }

    private void remember(int token) {
        if (recent.length == 0) {
            return;
        }
        if (recentLength == recent.length) {
            System.arraycopy(recent, 1, recent, 0, recent.length - 1);
            recentLength--;
        }
        recent[recentLength++] = token;
    }

    private boolean endsWith(int[] marker) {
        return marker.length > 0 && recentLength >= marker.length
                && Arrays.equals(recent, recentLength - marker.length, recentLength, marker, 0, marker.length);
    }

    private static int lastIndexOf(int[] ids, int[] marker) {
        if (marker.length == 0) {
            return -1;
        }
        for (int i = ids.length - marker.length; i >= 0; i--) {
            if (Arrays.equals(ids, i, i + marker.length, marker, 0, marker.length)) {
                return i;
            }
        }
        return -1;
    }
}
