package dev.vela.domain.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class JsonTextTest {

    @Test
    void writesAsPythonsJsonDumpsWithoutAsciiEscaping() {
        assertEquals("{\"a\": [1, 2.50, null, true], \"b\": \"ü \\\"x\\\" \\\\ \\n \\u0001\"}",
                JsonText.pythonDumps(JsonText.parse(" {\"a\":[1,2.50,null,true],\"b\":\"\\u00fc \\\"x\\\" \\\\ \\n \\u0001\"} ")));
    }

    @Test
    void refusesWhatIsNotOneJsonValue() {
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "[1,]", "01", "1.", "\"\n\"", "{} {}", "tru", "{'a': 1}"}) {
            assertFalse(JsonText.isValid(bad), bad);
        }
        assertTrue(JsonText.isValid("-0.5e+3"));
    }

    @Test
    void refusesNestingDeeperThanItsLimitInsteadOfOverflowingTheStack() {
        assertFalse(JsonText.isValid("[".repeat(100_000)));
    }
}
