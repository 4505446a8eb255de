package dev.vela.application.structured;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.structured.JsonWhitespace;
import dev.vela.domain.structured.OutputConstraint;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class JsonSchemaGrammarTest {

    private static final int SENTENCES = 2_000;
    private static final int RECOGNIZED = 100;
    private static final ObjectMapper JSON = SchemaValidator.JSON;

    static Stream<SchemaCase> schemas() {
        return SchemaCase.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemas")
    void everyRandomSentenceIsValidAgainstItsSchema(SchemaCase schemaCase) throws Exception {
        Grammar grammar = compile(schemaCase.schema(), JsonWhitespace.BOUNDED);
        SchemaValidator validator = SchemaValidator.of(schemaCase.schema());
        SentenceGenerator sentences = new SentenceGenerator(grammar, schemaCase.name().hashCode());
        ReferenceRecognizer recognizer = new ReferenceRecognizer(grammar);
        for (int i = 0; i < SENTENCES; i++) {
            String sentence = sentences.next();
            if (i < RECOGNIZED) {
                assertTrue(recognizer.accepts(sentence), "the generator left the grammar: " + sentence);
            }
            List<String> errors = validator.errors(sentence);
            assertTrue(errors.isEmpty(), JSON.writeValueAsString(sentence) + " -> " + errors);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemas")
    void everySchemaCompilesToTheEnginesAutomaton(SchemaCase schemaCase) {
        assertTrue(AutomatonCompiler.compile(compile(schemaCase.schema(), JsonWhitespace.BOUNDED)) != null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemas")
    void wrongAnswersAreOutsideTheGrammar(SchemaCase schemaCase) throws Exception {
        ReferenceRecognizer recognizer = new ReferenceRecognizer(compile(schemaCase.schema(), JsonWhitespace.BOUNDED));
        for (String wrong : schemaCase.invalid()) {
            assertFalse(recognizer.accepts(wrong), wrong);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemas")
    void withoutWhitespaceEverySentenceIsCompact(SchemaCase schemaCase) throws Exception {
        Grammar grammar = compile(schemaCase.schema(), JsonWhitespace.NONE);
        SentenceGenerator sentences = new SentenceGenerator(grammar, 7);
        for (int i = 0; i < 200; i++) {
            String sentence = sentences.next();
            JSON.readTree(sentence);
            assertFalse(hasWhitespaceOutsideStrings(sentence), sentence);
        }
    }

    private static boolean hasWhitespaceOutsideStrings(String json) {
        boolean inString = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString && c == '\\') {
                i++;
            } else if (c == '"') {
                inString = !inString;
            } else if (!inString && Character.isWhitespace(c)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void anyJsonObjectIsAnObject() throws Exception {
        Grammar grammar = JsonSchemaGrammar.compile(new OutputConstraint.JsonObject(JsonWhitespace.BOUNDED, "response_format"));
        SentenceGenerator sentences = new SentenceGenerator(grammar, 11);
        for (int i = 0; i < SENTENCES; i++) {
            assertTrue(JSON.readTree(sentences.next()).isObject());
        }
        ReferenceRecognizer recognizer = new ReferenceRecognizer(grammar);
        assertTrue(recognizer.accepts("{ \"a\" : [1, {\"b\": null}],\n  \"c\": \"\\u00e9\" }"));
        assertFalse(recognizer.accepts("[1]"));
        assertFalse(recognizer.accepts("{\"a\": 1,}"));
        assertFalse(recognizer.accepts(" {}"));
    }

    @Test
    void whitespaceBetweenTokensIsBounded() {
        ReferenceRecognizer recognizer = new ReferenceRecognizer(
                compile("{\"type\": \"array\", \"items\": {\"type\": \"integer\"}}", JsonWhitespace.BOUNDED));

        assertTrue(recognizer.accepts("[\n  1,\n  2\n]"));
        assertTrue(recognizer.accepts("[" + " ".repeat(20) + "1]"));
        assertFalse(recognizer.accepts("[" + " ".repeat(21) + "1]"));
    }

    @Test
    void aWhitespacePatternIsTheOnlyWhitespaceBetweenTokens() {
        ReferenceRecognizer recognizer = new ReferenceRecognizer(compile(
                "{\"type\": \"array\", \"items\": {\"type\": \"integer\"}}", JsonWhitespace.pattern("[ ]?")));

        assertTrue(recognizer.accepts("[ 1, 2 ]"));
        assertTrue(recognizer.accepts("[1,2]"));
        assertFalse(recognizer.accepts("[1,  2]"));
        assertFalse(recognizer.accepts("[1,\n2]"));
    }

    @Test
    void aWhitespacePatternIsNarrowedToJsonWhitespace() {
        ReferenceRecognizer recognizer = new ReferenceRecognizer(compile(
                "{\"type\": \"array\", \"items\": {\"type\": \"integer\"}}", JsonWhitespace.pattern("\\s*")));

        assertTrue(recognizer.accepts("[ 1,\r\n\t2]"));
        assertFalse(recognizer.accepts("[1,\f2]"));
        InvalidRequestException refusal = assertThrows(InvalidRequestException.class, () -> compile(
                "{\"type\": \"integer\"}", JsonWhitespace.pattern("x?")));
        assertTrue(refusal.getMessage().contains("which is not JSON whitespace"), refusal.getMessage());
    }

    @Test
    void constAndEnumTogetherAllowTheConstWhenTheEnumListsIt() {
        ReferenceRecognizer both = new ReferenceRecognizer(compile(
                "{\"const\": null, \"enum\": [1, null]}", JsonWhitespace.BOUNDED));
        assertTrue(both.accepts("null"));
        assertFalse(both.accepts("1"));
        InvalidRequestException disjoint = assertThrows(InvalidRequestException.class,
                () -> compile("{\"const\": 2, \"enum\": [1]}", JsonWhitespace.BOUNDED));
        assertTrue(disjoint.getMessage().contains("admits no value"), disjoint.getMessage());
    }

    @Test
    void propertiesComeInSchemaOrder() {
        ReferenceRecognizer recognizer = new ReferenceRecognizer(compile("""
                {"properties": {"b": {"type": "integer"}, "a": {"type": "integer"}}}""", JsonWhitespace.NONE));

        assertTrue(recognizer.accepts("{\"b\":1,\"a\":2}"));
        assertTrue(recognizer.accepts("{\"a\":2}"));
        assertTrue(recognizer.accepts("{}"));
        assertFalse(recognizer.accepts("{\"a\":2,\"b\":1}"));
    }

    static Stream<String[]> refusals() {
        return Stream.of(
                new String[] {"{\"not\": {\"type\": \"string\"}}", "keyword 'not' is not supported"},
                new String[] {"{\"type\": \"object\", \"patternProperties\": {}}", "keyword 'patternProperties' is not supported"},
                new String[] {"{\"type\": \"number\", \"minimum\": 0}", "keyword 'minimum' is supported for type integer only"},
                new String[] {"{\"type\": \"string\", \"format\": \"hostname\"}", "format 'hostname' is not supported"},
                new String[] {"{\"type\": \"integer\", \"minimum\": 5, \"maximum\": 4}", "no integer lies between"},
                new String[] {"{\"type\": \"string\", \"minLength\": 5, \"maxLength\": 4}", "'minLength' is more than 'maxLength'"},
                new String[] {"{\"type\": \"string\", \"maxLength\": 100000}", "'maxLength' above 10000 is not supported"},
                new String[] {"{\"type\": \"integer\", \"maximum\": 1e60}", "more than 40 digits"},
                new String[] {"{\"$ref\": \"#\"}", "refers to itself without progress"},
                new String[] {"{\"anyOf\": [{\"$ref\": \"#\"}, {\"type\": \"null\"}]}", "refers to itself without progress"},
                new String[] {"{\"$ref\": \"#/$defs/a\", \"$defs\": {\"a\": {\"type\": \"object\", \"properties\": {\"a\": {\"$ref\": \"#/$defs/a\"}}, \"required\": [\"a\"]}}}",
                        "admits no finite value"},
                new String[] {"{\"$ref\": \"https://example.com/schema.json\"}", "'$ref' must point inside the schema"},
                new String[] {"{\"$ref\": \"#/$defs/missing\"}", "points at nothing"},
                new String[] {"{\"type\": \"object\", \"required\": [\"a\"]}", "required property 'a' is not among the properties"},
                new String[] {"{\"type\": \"array\", \"prefixItems\": [{\"type\": \"null\"}], \"minItems\": 2}", "admits no value"},
                new String[] {"{\"type\": \"strung\"}", "'type' must be one of"},
                new String[] {"{\"type\": \"string\", \"minItems\": 1}", "keyword 'minItems' does not apply to type [string]"},
                new String[] {"false", "admits no value"},
                new String[] {"{\"enum\": [\"a\", \"bb\"], \"maxLength\": 1}", "keyword 'maxLength' beside 'enum' or 'const' is not supported"},
                new String[] {"{\"allOf\": [{\"type\": \"string\"}]}", "'allOf' is supported for object schemas only"},
                new String[] {"{\"type\": \"string\", \"pattern\": \"(a)\\\\1\"}", "'pattern' (a)\\1 cannot be enforced"},
                new String[] {"{\"enum\": [" + "1,".repeat(JsonSchemaGrammar.MAX_ENUM_VALUES) + "1]}", "more than 4096 enum values"},
                new String[] {"{\"items\": ".repeat(70) + "true" + "}".repeat(70), "nests more than 64 levels deep"});
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("refusals")
    void schemasVelaCannotEnforceAreRefusedByName(String schema, String reason) {
        InvalidRequestException refusal = assertThrows(InvalidRequestException.class,
                () -> compile(schema, JsonWhitespace.BOUNDED));

        assertTrue(refusal.getMessage().contains(reason), refusal.getMessage());
        assertEquals("response_format", refusal.param());
    }

    private static Grammar compile(String schema, JsonWhitespace whitespace) {
        try {
            Object tree = JSON.readValue(schema, Object.class);
            return JsonSchemaGrammar.compile(new OutputConstraint.JsonSchema(tree, whitespace, "response_format"));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
