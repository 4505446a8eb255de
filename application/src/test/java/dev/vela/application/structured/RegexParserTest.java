package dev.vela.application.structured;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RegexParserTest {

    private static ReferenceRecognizer recognizer(String regex) {
        return new ReferenceRecognizer(RegexParser.parse(regex));
    }

    @Test
    void anchorsClassesAndQuantifiersMatchInFull() {
        ReferenceRecognizer r = recognizer("^\\d{3}-[A-Z][a-z]+(?:\\s\\w+)*$");
        assertTrue(r.accepts("123-Bob"));
        assertTrue(r.accepts("123-Bob smith_2 x"));
        assertFalse(r.accepts("12-Bob"));
        assertFalse(r.accepts("123-bob"));
    }

    @Test
    void lazyQuantifiersMatchWhatGreedyOnesMatch() {
        ReferenceRecognizer r = recognizer("a+?b*?c??");
        assertTrue(r.accepts("aabbc"));
        assertFalse(r.accepts("b"));
    }

    @Test
    void dotIsAnyCharacterButNewline() {
        ReferenceRecognizer r = recognizer("a.c");
        assertTrue(r.accepts("a😀c"));
        assertFalse(r.accepts("a\nc"));
    }

    @Test
    void escapesInsideAndOutsideClasses() {
        ReferenceRecognizer r = recognizer("[\\d\\-.]+\\.\\x41\\u00e9[^\\W_]");
        assertTrue(r.accepts("1-2.3.Aé7"));
        assertFalse(r.accepts("1.Aé_"));
    }

    @Test
    void namedGroupsAndAlternationParse() {
        ReferenceRecognizer r = recognizer("(?P<year>\\d{4})-(?<m>0[1-9]|1[0-2])");
        assertTrue(r.accepts("2024-12"));
        assertFalse(r.accepts("2024-13"));
    }

    @Test
    void aBraceThatIsNoRepetitionIsALiteral() {
        assertTrue(recognizer("a{x}").accepts("a{x}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"(a)\\1", "a(?=b)", "a(?!b)", "(?<=a)b", "(?<!a)b", "\\bword", "(?i)abc", "a^b", "a$b",
            "(?P<x>a)(?P=x)", "a{0,1000000}", "(ab", "*a", "a**", "[a-"})
    void whatAnAutomatonCannotEnforceOrParseIsRefused(String regex) {
        GrammarException e = assertThrows(GrammarException.class, () -> RegexParser.parse(regex));
        assertTrue(e.getMessage().contains("position"), e.getMessage());
    }

    @Test
    void backreferencesAreRefusedByName() {
        assertTrue(assertThrows(GrammarException.class, () -> RegexParser.parse("(a)\\1")).getMessage()
                .startsWith("backreferences are not supported"));
        assertTrue(assertThrows(GrammarException.class, () -> RegexParser.parse("a(?=b)")).getMessage()
                .startsWith("lookahead assertions are not supported"));
    }
}
