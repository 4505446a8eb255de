package dev.vela.domain.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vela.domain.chat.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ConstrainedToolCallsTest {

    private static final String REQUIRED = "[{\"name\": \"get_weather\", \"parameters\": {\"city\": \"Paris\"}},\n"
            + " {\"name\":\"search\",\"parameters\":{\"q\":\"a \\\"}]\\\" b\",\"n\":[1,{\"x\":2}]}}]";

    @Test
    void eachItemOfARequiredAnswerIsACallWithItsParametersWrittenAsVllmWritesThem() {
        ParsedToolCalls parsed = ParsedToolCalls.parse(new RequiredToolCalls(ids()), REQUIRED);
        assertNull(parsed.content());
        assertEquals(List.of(new ToolCall("call-0", "function", "get_weather", "{\"city\": \"Paris\"}"),
                new ToolCall("call-1", "function", "search", "{\"q\": \"a \\\"}]\\\" b\", \"n\": [1, {\"x\": 2}]}")),
                parsed.calls());
    }

    @Test
    void aRequiredAnswerCutOffKeepsWhatWasSentOfItsCallsAndTextThatStartsNoCallIsContent() {
        ParsedToolCalls cutInACall = ParsedToolCalls.parse(new RequiredToolCalls(ids()),
                "[{\"name\": \"a\", \"parameters\": {}}, {\"name\": \"b\", \"parameters\": {\"q\": \"x");
        assertEquals(List.of(new ToolCall("call-0", "function", "a", "{}"),
                new ToolCall("call-1", "function", "b", "{\"q\": \"x")), cutInACall.calls());
        assertNull(cutInACall.content());
        ParsedToolCalls cutBeforeAName = ParsedToolCalls.parse(new RequiredToolCalls(ids()),
                "[{\"name\": \"a\", \"parameters\": {}}, {\"na");
        assertEquals(1, cutBeforeAName.calls().size());
        assertEquals(", {\"na", cutBeforeAName.content());
    }

    @Test
    void aRequiredCallStartsOnItsNameAndItsParametersStreamAsTheyCome() {
        RequiredToolCalls reader = new RequiredToolCalls(ids());
        List<ToolCallPiece> pieces = new ArrayList<>(reader.next("[{\"name\":\"f\""));
        assertEquals(List.of(new ToolCallPiece.CallStart(0, "call-0", "f")), pieces);
        List<ToolCallPiece> more = reader.next(",\"parameters\":{\"city\":\"Pa");
        assertEquals(List.of(new ToolCallPiece.Arguments(0, "{\"city\": \"Pa")), more);
        assertEquals(List.of(new ToolCallPiece.Arguments(0, "ris\"}")), reader.next("ris\"}}"));
    }

    @Test
    void parametersReadBeforeTheNameWaitForIt() {
        assertEquals(List.of(new ToolCall("call-0", "function", "f", "{\"a\": [1, 2.50, 1e+5, true, null]}")),
                ParsedToolCalls.parse(new RequiredToolCalls(ids()),
                        "[{\"parameters\":{\"a\":[1,2.50,1E5,true,null]},\"name\":\"f\"}]").calls());
    }

    @Test
    void everySplitOfARequiredAnswerGivesTheSameCalls() {
        ParsedToolCalls expected = ParsedToolCalls.parse(new RequiredToolCalls(ids()), REQUIRED);
        for (int i = 0; i <= REQUIRED.length(); i++) {
            for (int j = i; j <= REQUIRED.length(); j++) {
                List<String> chunks = List.of(REQUIRED.substring(0, i), REQUIRED.substring(i, j), REQUIRED.substring(j));
                assertEquals(expected, streamed(new RequiredToolCalls(ids()), chunks), () -> "split " + chunks);
            }
        }
    }

    @Test
    void aNamedAnswerIsOneCallWhoseArgumentsAreTheAnswerStreamedAsItComes() {
        NamedToolCall reader = new NamedToolCall("get_weather", ids());
        List<ToolCallPiece> pieces = new ArrayList<>(reader.next("{\"city\""));
        pieces.addAll(reader.next(": \"Paris\"}"));
        pieces.addAll(reader.finish());
        assertEquals(List.of(new ToolCallPiece.CallStart(0, "call-0", "get_weather"),
                new ToolCallPiece.Arguments(0, "{\"city\""), new ToolCallPiece.Arguments(0, ": \"Paris\"}")), pieces);
        assertEquals(List.of(new ToolCall("call-0", "function", "get_weather", "{\"city\": \"Paris\"}")),
                ParsedToolCalls.of(pieces).calls());
    }

    @Test
    void anEmptyNamedAnswerIsStillOneCall() {
        assertEquals(List.of(new ToolCall("call-0", "function", "f", "")),
                ParsedToolCalls.parse(new NamedToolCall("f", ids()), "").calls());
    }

    private static ParsedToolCalls streamed(ToolCallReader reader, List<String> chunks) {
        List<ToolCallPiece> pieces = new ArrayList<>();
        for (String chunk : chunks) {
            pieces.addAll(reader.next(chunk));
        }
        pieces.addAll(reader.finish());
        return ParsedToolCalls.of(pieces);
    }

    private static Supplier<String> ids() {
        AtomicInteger next = new AtomicInteger();
        return () -> "call-" + next.getAndIncrement();
    }
}
