package dev.vela.domain.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import org.junit.jupiter.api.Test;

class JsonRewriterTest {

    @Test
    void aValueIsWrittenAsPythonsJsonDumpsWritesItsParsedTree() {
        for (String text : List.of("{}", "[]", " { \"a\" :1 ,\"b\":[true,false,null,-0.5e-3, 12,{}] } ",
                "{\"s\": \"q\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u0001 \\u263A\"}", "[[[\"x\"]], 1E+2, 0]", "\"top\"",
                "{\"k\\u0041\": {\"deep\": [{\"a\": \"}]\"}]}}")) {
            StringBuilder out = new StringBuilder();
            JsonRewriter rewriter = new JsonRewriter(out::append);
            for (char c : text.toCharArray()) {
                rewriter.accept(c);
            }
            rewriter.end();
            assertEquals(JsonText.pythonDumps(JsonText.parse(text)), out.toString(), text);
        }
    }

    @Test
    void itStopsAtTheFirstCharacterThatLeavesNoValidPrefix() {
        for (String bad : List.of("{\"a\" 1}", "[1,]", "{\"a\":01}", "{,}", "[tru e]", "{\"a\":\"\\x\"}", "[1 2]",
                "{\"a\":1}}", "[\"\u0001\"]", "{\"a\":-}", "[1.]", "{'a':1}")) {
            JsonRewriter rewriter = new JsonRewriter(text -> { });
            boolean accepted = true;
            for (char c : bad.toCharArray()) {
                accepted &= rewriter.accept(c);
            }
            rewriter.end();
            assertFalse(accepted && rewriter.done(), bad);
        }
    }

    @Test
    void everyPrefixOfAValidTextIsAccepted() {
        String text = "{\"a\": [1.5e-2, \"x\\u00e9\"], \"b\": {\"c\": null}}";
        JsonRewriter rewriter = new JsonRewriter(out -> { });
        for (char c : text.toCharArray()) {
            assertEquals(true, rewriter.accept(c));
        }
        assertEquals(true, rewriter.done());
    }
}
