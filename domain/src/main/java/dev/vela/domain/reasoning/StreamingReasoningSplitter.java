package dev.vela.domain.reasoning;

/**
 * Splits a streamed output into reasoning and content piece by piece, with vLLM's streaming rules
 * for {@code deepseek_r1}: text before {@code </think>} is reasoning (a {@code <think>} marker is
 * dropped where it appears), text after it is content, and a piece that held only a marker yields
 * nothing. The markers never reach the client, even when a piece ends inside one: such a tail
 * waits for the next piece. One splitter per choice.
 */
public final class StreamingReasoningSplitter {

    private final StringBuilder pending = new StringBuilder();
    private boolean answering;

    /** The split of the next piece of output; null when there is nothing to send yet. */
    public ReasoningSplit next(String piece) {
        pending.append(piece);
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        while (!pending.isEmpty()) {
            if (answering) {
                content.append(pending);
                pending.setLength(0);
                break;
            }
            int start = pending.indexOf(ReasoningSplit.START);
            int end = pending.indexOf(ReasoningSplit.END);
            if (end >= 0 && (start < 0 || end < start)) {
                reasoning.append(pending, 0, end);
                pending.delete(0, end + ReasoningSplit.END.length());
                answering = true;
            } else if (start >= 0) {
                reasoning.append(pending, 0, start);
                pending.delete(0, start + ReasoningSplit.START.length());
            } else {
                int keep = partialMarker(pending);
                reasoning.append(pending, 0, pending.length() - keep);
                pending.delete(0, pending.length() - keep);
                break;
            }
        }
        return split(reasoning, content);
    }

    /** What is left when the output has ended (a tail that only looked like the start of a marker). */
    public ReasoningSplit finish() {
        String rest = pending.toString();
        pending.setLength(0);
        return answering ? split(new StringBuilder(), new StringBuilder(rest)) : split(new StringBuilder(rest), new StringBuilder());
    }

    private static ReasoningSplit split(StringBuilder reasoning, StringBuilder content) {
        ReasoningSplit split = new ReasoningSplit(reasoning.isEmpty() ? null : reasoning.toString(),
                content.isEmpty() ? null : content.toString());
        return split.isEmpty() ? null : split;
    }

    /** The length of the longest tail of {@code text} that begins a marker. */
    private static int partialMarker(CharSequence text) {
        int longest = 0;
        for (String marker : new String[] {ReasoningSplit.START, ReasoningSplit.END}) {
            for (int n = Math.min(marker.length() - 1, text.length()); n > longest; n--) {
                if (marker.startsWith(text.subSequence(text.length() - n, text.length()).toString())) {
                    longest = n;
                    break;
                }
            }
        }
        return longest;
    }
}
