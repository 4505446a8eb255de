package dev.vela.domain.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.domain.chat.ToolCall;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ToolCallParserTest {

    // Outputs written the way Qwen2.5-Instruct and DeepSeek-R1 write them (their templates' own forms).
    private static final String HERMES_ONE = "<tool_call>\n{\"name\": \"get_weather\", \"arguments\": "
            + "{\"city\": \"Paris\", \"unit\": \"celsius\"}}\n</tool_call>";
    private static final String HERMES_NESTED = "Let me look that up.\n<tool_call>\n{\"name\": \"search\", \"arguments\": "
            + "{\"query\": {\"text\": \"</tool_call> in \\\"quotes\\\"\", \"filters\": [{\"k\": [1, 2.5, {\"z\": null}]}]}, "
            + "\"limit\": 3}}\n</tool_call>";
    private static final String HERMES_TWO = "<tool_call>\n{\"name\": \"a\", \"arguments\": {\"x\": 1}}\n</tool_call>\n"
            + "<tool_call>\n{\"name\": \"b\", \"arguments\": {}}\n</tool_call>";
    private static final String R1_TWO = "I will call both.<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>get_weather\n"
            + "```json\n{\"city\": \"Beijing\"}\n```<｜tool▁call▁end｜>\n<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_time\n"
            + "```json\n{\"zone\": {\"name\": \"Asia/Shanghai\", \"dst\": false}}\n```<｜tool▁call▁end｜><｜tool▁calls▁end｜>";
    private static final String R1_STRINGS = "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜> search \n```json\n"
            + "  {\"q\": \"<｜tool▁call▁end｜> ```\\\" \", \"k\": [ 1 , {}],\n \"s\": \" \\u00e9 \"}  \n```\n<｜tool▁call▁end｜>"
            + "<｜tool▁calls▁end｜> after";

    @Test
    void aHermesCallIsFoundWithItsArgumentsAsVllmWritesThem() {
        ParsedToolCalls parsed = whole("hermes", HERMES_ONE);
        assertNull(parsed.content());
        assertEquals(List.of(new ToolCall("call-0", "function", "get_weather", "{\"city\": \"Paris\", \"unit\": \"celsius\"}")),
                parsed.calls());
    }

    @Test
    void argumentsAreWrittenWithPythonsSeparatorsWhateverTheModelWrote() {
        ParsedToolCalls parsed = whole("hermes", "<tool_call>{\"name\":\"f\",\"arguments\":{\"a\":[1,true],\"b\":\"é\\n\"}}</tool_call>");
        assertEquals("{\"a\": [1, true], \"b\": \"é\\n\"}", parsed.calls().getFirst().arguments());
    }

    @Test
    void textBeforeACallIsContentAndNestedArgumentsSurvive() {
        ParsedToolCalls parsed = whole("hermes", HERMES_NESTED);
        assertEquals("Let me look that up.", parsed.content());
        assertEquals("{\"query\": {\"text\": \"</tool_call> in \\\"quotes\\\"\", \"filters\": [{\"k\": [1, 2.5, {\"z\": null}]}]}, "
                + "\"limit\": 3}", parsed.calls().getFirst().arguments());
    }

    @Test
    void severalCallsAreNumberedInOrder() {
        ParsedToolCalls parsed = whole("hermes", HERMES_TWO);
        assertEquals(List.of("a", "b"), parsed.calls().stream().map(ToolCall::functionName).toList());
        assertEquals(List.of("call-0", "call-1"), parsed.calls().stream().map(ToolCall::id).toList());
        assertEquals("{}", parsed.calls().get(1).arguments());
        assertNull(parsed.content());
    }

    @Test
    void textAfterTheCallsIsContentToo() {
        ParsedToolCalls parsed = whole("hermes", "Sure.\n" + HERMES_ONE + "\nDone.  ");
        assertEquals("Sure.Done.  ", parsed.content());
        assertEquals(1, parsed.calls().size());
    }

    @Test
    void anOutputWithoutCallsIsAllContentWhitespaceIncluded() {
        ParsedToolCalls parsed = whole("hermes", "  Just text, <tool no call>\n\n");
        assertEquals("  Just text, <tool no call>\n\n", parsed.content());
        assertEquals(List.of(), parsed.calls());
    }

    @Test
    void aCallThatGoesWrongBeforeItsNameIsReadIsReturnedAsText() {
        String broken = "Hi <tool_call>\n{\"nam\": oops}\n</tool_call>";
        ParsedToolCalls parsed = whole("hermes", broken);
        assertEquals(broken, parsed.content());
        assertEquals(List.of(), parsed.calls());
        assertEquals(List.of(), whole("hermes", "<tool_call>{\"arguments\": {}}</tool_call>").calls());
        assertEquals(List.of(), whole("hermes", "<tool_call>{\"name\": \"\", \"arguments\": {}}</tool_call>").calls());
        assertEquals(List.of(), whole("hermes", "<tool_call>[1]</tool_call>").calls());
    }

    @Test
    void aCallThatGoesWrongAfterItsNameKeepsWhatWasSentAndTheRestOfItsBlockIsText() {
        ParsedToolCalls parsed = whole("hermes", "Hi <tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": }\n</tool_call> ok");
        assertEquals(List.of(new ToolCall("call-0", "function", "f", "{\"a\": ")), parsed.calls());
        assertEquals("Hi}ok", parsed.content());
        assertEquals(List.of(new ToolCall("call-0", "function", "f", "")),
                whole("hermes", "<tool_call>{\"name\": \"f\"}</tool_call>").calls());
    }

    @Test
    void aBrokenCallDoesNotHideTheGoodOnesAroundIt() {
        ParsedToolCalls parsed = whole("hermes", HERMES_ONE + "\n<tool_call>{oops}</tool_call>\n" + HERMES_ONE);
        assertEquals(2, parsed.calls().size());
        assertEquals("<tool_call>{oops}</tool_call>", parsed.content());
    }

    @Test
    void aCallCutOffBeforeItsEndMarkerKeepsWhatWasSentOnceItsNameWasRead() {
        assertEquals(1, whole("hermes", "<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n").calls().size());
        ParsedToolCalls cutInItsName = whole("hermes", "<tool_call>\n{\"name\": \"f");
        assertEquals(List.of(), cutInItsName.calls());
        assertEquals("<tool_call>\n{\"name\": \"f", cutInItsName.content());
        ParsedToolCalls cutInItsArguments = whole("hermes", "<tool_call>\n{\"name\": \"f\", \"arguments\": {\"a\": [1");
        assertEquals(List.of(new ToolCall("call-0", "function", "f", "{\"a\": [1")), cutInItsArguments.calls());
        assertNull(cutInItsArguments.content());
    }

    @Test
    void deepSeekCallsKeepTheModelsArgumentTextAndDropTheMarkers() {
        ParsedToolCalls parsed = whole("deepseek_v3", R1_TWO);
        assertEquals("I will call both.", parsed.content());
        assertEquals(List.of(new ToolCall("call-0", "function", "get_weather", "{\"city\": \"Beijing\"}"),
                new ToolCall("call-1", "function", "get_time", "{\"zone\": {\"name\": \"Asia/Shanghai\", \"dst\": false}}")),
                parsed.calls());
    }

    @Test
    void deepSeekArgumentsMaySpanLines() {
        ParsedToolCalls parsed = whole("deepseek_v3", "<｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n```json\n{\n  \"a\": [1,\n 2]\n}\n```"
                + "<｜tool▁call▁end｜>");
        assertEquals("{\n  \"a\": [1,\n 2]\n}", parsed.calls().getFirst().arguments());
        ParsedToolCalls strings = whole("deepseek_v3", R1_STRINGS);
        assertEquals(List.of(new ToolCall("call-0", "function", "search",
                "{\"q\": \"<｜tool▁call▁end｜> ```\\\" \", \"k\": [ 1 , {}],\n \"s\": \" \\u00e9 \"}")), strings.calls());
        assertEquals("after", strings.content());
    }

    @Test
    void aDeepSeekCallWithoutItsFenceIsText() {
        String noFence = "<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n{\"a\": 1}<｜tool▁call▁end｜>";
        assertEquals(List.of(), whole("deepseek_v3", noFence).calls());
        assertEquals("<｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n{\"a\": 1}<｜tool▁call▁end｜>",
                whole("deepseek_v3", noFence).content());
        String noName = "<｜tool▁call▁begin｜>function<｜tool▁sep｜> \n```json\n{}\n```<｜tool▁call▁end｜>";
        assertEquals(List.of(), whole("deepseek_v3", noName).calls());
        assertEquals(noName, whole("deepseek_v3", noName).content());
    }

    @Test
    void aDeepSeekCallWithBadJsonKeepsWhatWasSentAndTheRestOfItsBlockIsText() {
        ParsedToolCalls parsed = whole("deepseek_v3",
                "Hi <｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n```json\n{\"a\": \n```<｜tool▁call▁end｜> ok");
        assertEquals(List.of(new ToolCall("call-0", "function", "f", "{\"a\":")), parsed.calls());
        assertEquals("Hi```ok", parsed.content());
        ParsedToolCalls textAfterTheFence = whole("deepseek_v3",
                "<｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n```json\n{}\n``` and more<｜tool▁call▁end｜>");
        assertEquals(List.of(new ToolCall("call-0", "function", "f", "{}")), textAfterTheFence.calls());
        assertEquals("and more", textAfterTheFence.content());
    }

    @Test
    void aDeepSeekCallCutOffKeepsWhatWasSentOnceItsFenceWasRead() {
        ParsedToolCalls cut = whole("deepseek_v3", "<｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n```json\n{\"a\": [1, ");
        assertEquals(List.of(new ToolCall("call-0", "function", "f", "{\"a\": [1,")), cut.calls());
        assertNull(cut.content());
        ParsedToolCalls cutInItsName = whole("deepseek_v3", "<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_wea");
        assertEquals(List.of(), cutInItsName.calls());
        assertEquals("<｜tool▁call▁begin｜>function<｜tool▁sep｜>get_wea", cutInItsName.content());
    }

    @Test
    void everySplitIntoTwoOrThreePiecesGivesTheSameAnswer() {
        List<String[]> outputs = List.of(new String[] {"hermes", HERMES_NESTED}, new String[] {"hermes", HERMES_TWO},
                new String[] {"hermes", "Sure.\n" + HERMES_ONE + "\nDone.  "},
                new String[] {"hermes", "a <tool_call>{bad}</tool_call> b <tool_call>{\"name\": \"f\", \"arguments\": 1}"},
                new String[] {"hermes", "<tool_call>{\"arguments\": {\"s\": \"</tool_call>\"}, \"name\": \"g\"}</tool_call>"
                        + "<tool_call>{\"name\": \"f\", \"arguments\": {\"a\": ]}}</tool_call> end"},
                new String[] {"deepseek_v3", R1_TWO},
                new String[] {"deepseek_v3", "x<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n{}<｜tool▁call▁end｜> y"},
                new String[] {"deepseek_v3", R1_STRINGS},
                new String[] {"deepseek_v3", "a <｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n```json\n{\"a\": ]}\n```"
                        + "<｜tool▁call▁end｜> b <｜tool▁call▁begin｜>function<｜tool▁sep｜>g\n```json\n{\"n\": -1.5e3, \"t\": tr"});
        for (String[] output : outputs) {
            ParsedToolCalls expected = whole(output[0], output[1]);
            String text = output[1];
            for (int i = 0; i <= text.length(); i++) {
                for (int j = i; j <= text.length(); j++) {
                    List<String> chunks = List.of(text.substring(0, i), text.substring(i, j), text.substring(j));
                    assertEquals(expected, streamed(output[0], chunks), () -> "split " + chunks);
                }
            }
            List<String> characters = text.codePoints().mapToObj(Character::toString).toList();
            assertEquals(expected, streamed(output[0], characters));
        }
    }

    @Test
    void aHermesCallStartsOnItsNameAndItsArgumentsStreamAsTheyCome() {
        List<ToolCallPiece> pieces = new ArrayList<>();
        ToolCallParser parser = ToolCallParser.create("hermes", ids());
        for (String chunk : List.of("Hi <tool_", "call>{\"name\": \"f\", \"arguments\": {\"a\"", ": 1}}</tool_call>")) {
            pieces.addAll(parser.next(chunk));
        }
        pieces.addAll(parser.finish());
        assertEquals(List.of(new ToolCallPiece.Content("Hi"), new ToolCallPiece.CallStart(0, "call-0", "f"),
                new ToolCallPiece.Arguments(0, "{\"a\""), new ToolCallPiece.Arguments(0, ": 1}")), pieces);
    }

    @Test
    void aDeepSeekCallStartsOnItsFenceAndItsArgumentsStreamAsTheModelWroteThem() {
        List<ToolCallPiece> pieces = new ArrayList<>();
        ToolCallParser parser = ToolCallParser.create("deepseek_v3", ids());
        for (String chunk : List.of("Hi<｜tool▁calls▁begin｜><｜tool▁call▁begin｜>function<｜tool▁sep｜>f\n``", "`json\n",
                "{\"a\"", ":  1, ", "\"b\": \"x y\"}\n`", "``<｜tool▁call▁end｜><｜tool▁calls▁end｜>")) {
            pieces.addAll(parser.next(chunk));
        }
        pieces.addAll(parser.finish());
        assertEquals(List.of(new ToolCallPiece.Content("Hi"), new ToolCallPiece.CallStart(0, "call-0", "f"),
                new ToolCallPiece.Arguments(0, "{\"a\""), new ToolCallPiece.Arguments(0, ":  1,"),
                new ToolCallPiece.Arguments(0, " \"b\": \"x y\"}")), pieces);
    }

    @Test
    void aLongDeepSeekCallStreamsInManyPiecesThatJoinToItsWholeArguments() {
        ParsedToolCalls expected = whole("deepseek_v3", R1_TWO);
        ToolCallParser parser = ToolCallParser.create("deepseek_v3", ids());
        List<ToolCallPiece> pieces = new ArrayList<>();
        R1_TWO.codePoints().mapToObj(Character::toString).forEach(c -> pieces.addAll(parser.next(c)));
        pieces.addAll(parser.finish());
        long secondCallPieces = pieces.stream()
                .filter(p -> p instanceof ToolCallPiece.Arguments a && a.index() == 1).count();
        assertTrue(secondCallPieces > 10, () -> "argument pieces: " + secondCallPieces);
        assertEquals(expected, ParsedToolCalls.of(pieces));
    }

    private static ParsedToolCalls whole(String parser, String output) {
        return ParsedToolCalls.parse(ToolCallParser.create(parser, ids()), output);
    }

    private static ParsedToolCalls streamed(String name, List<String> chunks) {
        ToolCallParser parser = ToolCallParser.create(name, ids());
        List<ToolCallPiece> pieces = new ArrayList<>();
        for (String chunk : chunks) {
            pieces.addAll(parser.next(chunk));
        }
        pieces.addAll(parser.finish());
        return ParsedToolCalls.of(pieces);
    }

    private static Supplier<String> ids() {
        AtomicInteger next = new AtomicInteger();
        return () -> "call-" + next.getAndIncrement();
    }
}
