package dev.vela.application.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GbnfParserTest {

    private static ReferenceRecognizer recognizer(String gbnf) {
        return new ReferenceRecognizer(GbnfParser.parse(gbnf));
    }

    @Test
    void literalsClassesGroupsAndRepetitionsParseAsLlamaCppReadsThem() {
        ReferenceRecognizer r = recognizer("""
                # a comment
                root ::= greeting ("," [ \\t]? name){1,2} "!"?   # trailing comment
                greeting ::= "hi" | "h\\u00e9llo"
                name ::= [A-Z] [a-z]*
                """);
        assertTrue(r.accepts("hi,Bob"));
        assertTrue(r.accepts("héllo, Ann,Jo!"));
        assertFalse(r.accepts("hi"));
        assertFalse(r.accepts("hi,Bob,Ann,Jo"));
    }

    @Test
    void negatedClassesDotAndEscapesWork() {
        ReferenceRecognizer r = recognizer("root ::= \"\\\"\" [^\"\\n]* \"\\\"\" . [\\x41-\\x43]");
        assertTrue(r.accepts("\"a b\"xB"));
        assertFalse(r.accepts("\"a\"b\"xB"));
        assertFalse(r.accepts("\"a\"xD"));
    }

    @Test
    void aRuleMaySpanLinesUntilTheNextDefinition() {
        ReferenceRecognizer r = recognizer("root ::= \"a\"\n  | \"b\"\n  \"c\"\nother ::= \"x\"");
        assertTrue(r.accepts("a"));
        assertTrue(r.accepts("bc"));
    }

    @Test
    void openEndedAndUpperBoundedRepetitionsParse() {
        ReferenceRecognizer r = recognizer("root ::= \"a\"{2,} \"b\"{,2}");
        assertTrue(r.accepts("aaabb"));
        assertFalse(r.accepts("ab"));
        assertFalse(r.accepts("aabbb"));
    }

    @Test
    void anUndefinedRuleIsNamedWithItsLineAndColumn() {
        GrammarException e = assertThrows(GrammarException.class, () -> GbnfParser.parse("root ::= a\na ::= \"x\" bee"));
        assertEquals("undefined rule bee at line 2, column 11", e.getMessage());
    }

    @Test
    void aGrammarWithoutRootIsRefused() {
        assertThrows(GrammarException.class, () -> GbnfParser.parse("start ::= \"x\""));
    }

    @Test
    void syntaxErrorsSayWhere() {
        assertEquals("unterminated string literal at line 1, column 14",
                assertThrows(GrammarException.class, () -> GbnfParser.parse("root ::= \"abc")).getMessage());
        assertEquals("expected ::= after rule name root at line 1, column 6",
                assertThrows(GrammarException.class, () -> GbnfParser.parse("root = \"x\"")).getMessage());
        assertTrue(assertThrows(GrammarException.class, () -> GbnfParser.parse("root ::= (\"x\""))
                .getMessage().startsWith("expected ) to close the group"));
    }
}
