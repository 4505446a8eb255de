package dev.vela.adapters.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Expected strings are Python's {@code json.dumps} output, as transformers' {@code tojson} calls it. */
class PythonJsonFilterTest {

    private final PythonJsonFilter tojson = new PythonJsonFilter(1L << 20);

    @Test
    void separatorsHaveASpaceAfterCommasAndColons() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("a", 1);
        value.put("b", List.of(true, "x"));
        value.put("c", null);

        assertEquals("{\"a\": 1, \"b\": [true, \"x\"], \"c\": null}", dumps(value, Map.of()));
    }

    @Test
    void indentPutsEachItemOnItsOwnLineWithoutTrailingSpaces() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("city", Map.of("type", "string"));
        value.put("required", List.of("city"));
        value.put("empty", List.of());

        assertEquals("{\n  \"city\": {\n    \"type\": \"string\"\n  },\n  \"required\": [\n    \"city\"\n  ],\n"
                + "  \"empty\": []\n}", dumps(value, Map.of("indent", 2L)));
    }

    @Test
    void floatsAreWrittenAsPythonsRepr() {
        List<Double> floats = List.of(1e-05, 1e16, 1.5e16, 0.0001, 123456789012345.6, -0.0, 2.5, 1.0, 100.0, 1e22);

        assertEquals("[1e-05, 1e+16, 1.5e+16, 0.0001, 123456789012345.6, -0.0, 2.5, 1.0, 100.0, 1e+22]",
                dumps(floats, Map.of()));
    }

    @Test
    void textKeepsNonAsciiAndEscapesQuotesBackslashesAndControlCharacters() {
        assertEquals("{\"k\": \"é\\\"\\\\\\n\\t\\u0001€😀\"}", dumps(Map.of("k", "é\"\\\n\t\u0001€😀"), Map.of()));
    }

    @Test
    void ensureAsciiEscapesEverythingOutsidePrintableAscii() {
        assertEquals("{\"k\": \"\\u00e9\\u007f\\ud83d\\ude00\"}",
                dumps(Map.of("k", "é\u007f😀"), Map.of("ensure_ascii", true)));
    }

    @Test
    void sortKeysOrdersObjectKeys() {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("b", 1);
        value.put("a", 2);

        assertEquals("{\"a\": 2, \"b\": 1}", dumps(value, Map.of("sort_keys", true)));
    }

    private String dumps(Object value, Map<String, Object> kwargs) {
        return (String) tojson.filter(value, null, new Object[0], kwargs);
    }
}
