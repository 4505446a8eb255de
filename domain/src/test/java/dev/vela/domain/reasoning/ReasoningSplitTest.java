package dev.vela.domain.reasoning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** vLLM's deepseek_r1 test vectors (tests/reasoning/test_deepseekr1_reasoning_parser.py), whole and streamed. */
class ReasoningSplitTest {

    /** Streams {@code pieces} and joins what comes out: {reasoning or null, content or null}. */
    private static ReasoningSplit streamed(List<String> pieces) {
        StreamingReasoningSplitter splitter = new StreamingReasoningSplitter();
        StringBuilder reasoning = new StringBuilder();
        StringBuilder content = new StringBuilder();
        boolean sawReasoning = false;
        boolean sawContent = false;
        for (String piece : pieces) {
            ReasoningSplit split = splitter.next(piece);
            if (split != null) {
                if (split.reasoning() != null) {
                    reasoning.append(split.reasoning());
                    sawReasoning = true;
                }
                if (split.content() != null) {
                    content.append(split.content());
                    sawContent = true;
                }
                assertFalse(String.valueOf(split.reasoning()).contains("</think>") || String.valueOf(split.content()).contains("</think>"),
                        "no piece ever carries the end marker");
            }
        }
        ReasoningSplit last = splitter.finish();
        if (last != null && last.reasoning() != null) {
            reasoning.append(last.reasoning());
            sawReasoning = true;
        }
        if (last != null && last.content() != null) {
            content.append(last.content());
            sawContent = true;
        }
        return new ReasoningSplit(sawReasoning ? reasoning.toString() : null, sawContent ? content.toString() : null);
    }

    /** Token by token, as R1's tokenizer cuts these strings (markers are single tokens). */
    private static List<String> tokens(String... pieces) {
        return List.of(pieces);
    }

    @Test
    void reasoningThenContent() {
        assertEquals(new ReasoningSplit("This is a reasoning section", "This is the rest"),
                ReasoningSplit.of("This is a reasoning section</think>This is the rest"));
        assertEquals(new ReasoningSplit("This is a reasoning section", "This is the rest"),
                streamed(tokens("This", " is", " a", " reasoning", " section", "</think>", "This", " is", " the", " rest")));
    }

    @Test
    void reasoningWithNothingAfterItHasNoContent() {
        assertEquals(new ReasoningSplit("This is a reasoning section", null), ReasoningSplit.of("This is a reasoning section</think>"));
        assertEquals(new ReasoningSplit("This is a reasoning section", null), streamed(tokens("This is a reasoning section", "</think>")));
    }

    @Test
    void outputWithoutTheEndMarkerIsAllReasoning() {
        assertEquals(new ReasoningSplit("This is content", null), ReasoningSplit.of("This is content"));
        assertEquals(new ReasoningSplit("This is content", null), streamed(tokens("This", " is", " content")));
    }

    @Test
    void anEndMarkerFirstLeavesEmptyReasoningWholeAndNoneStreamed() {
        assertEquals(new ReasoningSplit("", "This is the rest"), ReasoningSplit.of("</think>This is the rest"));
        assertEquals(new ReasoningSplit(null, "This is the rest"), streamed(tokens("</think>", "This is the rest")));
    }

    @Test
    void aStartMarkerIsDropped() {
        assertEquals(new ReasoningSplit("This is a reasoning section", null), ReasoningSplit.of("<think>This is a reasoning section"));
        assertEquals(new ReasoningSplit("This is a reasoning section", null), streamed(tokens("<think>", "This is a reasoning section")));
    }

    @Test
    void emptyOutputIsEmptyReasoningWholeAndNothingStreamed() {
        assertEquals(new ReasoningSplit("", null), ReasoningSplit.of(""));
        assertEquals(new ReasoningSplit(null, null), streamed(tokens("")));
    }

    @Test
    void textBeforeTheStartMarkerIsDroppedWholeButKeptStreamed() {
        String output = "\n<think>This is a reasoning section</think>\nThis is the rest";
        assertEquals(new ReasoningSplit("This is a reasoning section", "\nThis is the rest"), ReasoningSplit.of(output));
        assertEquals(new ReasoningSplit("\nThis is a reasoning section", "\nThis is the rest"),
                streamed(tokens("\n", "<think>", "This is a reasoning section", "</think>", "\nThis is the rest")));
    }

    @Test
    void theEndMarkerInsideAPieceSplitsThePiece() {
        assertEquals(new ReasoningSplit("abc", "def"), streamed(tokens("ab", "c</think>de", "f")));
    }

    @Test
    void aPieceEndingInsideTheMarkerWaitsForTheRest() {
        StreamingReasoningSplitter splitter = new StreamingReasoningSplitter();
        assertEquals(new ReasoningSplit("thinking", null), splitter.next("thinking</th"));
        assertEquals(new ReasoningSplit(null, " answer"), splitter.next("ink> answer"));
    }

    @Test
    void aPieceThatIsOnlyAMarkerGivesNothing() {
        StreamingReasoningSplitter splitter = new StreamingReasoningSplitter();
        splitter.next("x");
        assertNull(splitter.next("</think>"));
        assertNull(new StreamingReasoningSplitter().next("<think>"));
    }

    @Test
    void aTailThatOnlyLookedLikeAMarkerComesOutAtTheEnd() {
        StreamingReasoningSplitter splitter = new StreamingReasoningSplitter();
        assertEquals(new ReasoningSplit("a", null), splitter.next("a</t"));
        assertEquals(new ReasoningSplit("</t", null), splitter.finish());
    }
}
