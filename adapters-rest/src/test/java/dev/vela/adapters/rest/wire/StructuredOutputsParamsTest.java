package dev.vela.adapters.rest.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.structured.JsonWhitespace;
import dev.vela.domain.structured.OutputConstraint;
import jakarta.json.Json;
import java.io.StringReader;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StructuredOutputsParamsTest {

    private static final String MESSAGES = "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]";
    private static final String SCHEMA = "{\"type\": \"integer\", \"maximum\": 12345678901234567890123}";

    private static OutputConstraint chat(String fields) {
        return ChatCompletionRequest.read(new RequestJson(Json.createReader(new StringReader("{" + MESSAGES + ", "
                + fields + "}")).readObject(), "ChatCompletionRequest")).toCommand().sampling().structuredOutput();
    }

    private static OutputConstraint completion(String fields) {
        return CompletionRequest.read(new RequestJson(Json.createReader(new StringReader("{\"prompt\": \"Hi\", "
                + fields + "}")).readObject(), "CompletionRequest")).toCommand().sampling().structuredOutput();
    }

    private static InvalidRequestException refused(String fields) {
        return assertThrows(InvalidRequestException.class, () -> chat(fields));
    }

    @Test
    void aJsonSchemaResponseFormatConstrainsToItsSchemaWithExactNumbers() {
        OutputConstraint.JsonSchema constraint = assertInstanceOf(OutputConstraint.JsonSchema.class, chat(
                "\"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"n\", \"schema\": " + SCHEMA + "}}"));

        assertEquals(new BigDecimal("12345678901234567890123"), ((Map<?, ?>) constraint.schema()).get("maximum"));
        assertEquals("response_format.json_schema.schema", constraint.field());
        assertEquals(JsonWhitespace.BOUNDED, constraint.whitespace());
    }

    @Test
    void aJsonObjectResponseFormatConstrainsToAnyObjectOnBothEndpoints() {
        assertInstanceOf(OutputConstraint.JsonObject.class, chat("\"response_format\": {\"type\": \"json_object\"}"));
        assertInstanceOf(OutputConstraint.JsonObject.class, completion("\"response_format\": {\"type\": \"json_object\"}"));
    }

    @Test
    void textAndNoFieldsLeaveTheAnswerFree() {
        assertNull(chat("\"response_format\": {\"type\": \"text\"}"));
        assertNull(chat("\"guided_decoding_backend\": \"xgrammar\""));
        assertNull(completion("\"seed\": 1"));
    }

    @Test
    void structuredOutputsJsonMayBeAnObjectOrAStringHoldingOne() {
        OutputConstraint.JsonSchema object = assertInstanceOf(OutputConstraint.JsonSchema.class,
                chat("\"structured_outputs\": {\"json\": " + SCHEMA + "}"));
        OutputConstraint.JsonSchema text = assertInstanceOf(OutputConstraint.JsonSchema.class,
                completion("\"structured_outputs\": {\"json\": " + Json.createValue(SCHEMA) + "}"));

        assertEquals(object.schema(), text.schema());
        assertEquals("structured_outputs.json", object.field());
    }

    @Test
    void eachKindOfStructuredOutputsAndItsGuidedFieldMapToTheirConstraint() {
        assertEquals(new OutputConstraint.Regex("[a-z]+", "structured_outputs.regex"),
                chat("\"structured_outputs\": {\"regex\": \"[a-z]+\"}"));
        assertEquals(new OutputConstraint.Regex("[a-z]+", "guided_regex"), chat("\"guided_regex\": \"[a-z]+\""));
        assertEquals(new OutputConstraint.Choice(List.of("yes", "no"), "guided_choice"),
                completion("\"guided_choice\": [\"yes\", \"no\"]"));
        assertEquals(new OutputConstraint.Grammar("root ::= \"a\"", "structured_outputs.grammar"),
                chat("\"structured_outputs\": {\"grammar\": \"root ::= \\\"a\\\"\"}"));
        assertEquals(new OutputConstraint.JsonObject(JsonWhitespace.BOUNDED, "structured_outputs.json_object"),
                chat("\"structured_outputs\": {\"json_object\": true}"));
        assertInstanceOf(OutputConstraint.JsonSchema.class, chat("\"guided_json\": " + SCHEMA));
    }

    @Test
    void whitespaceOptionsApplyToEveryJsonKind() {
        assertEquals(JsonWhitespace.NONE, ((OutputConstraint.JsonObject) chat(
                "\"response_format\": {\"type\": \"json_object\"}, \"structured_outputs\": {\"disable_any_whitespace\": true}"))
                .whitespace());
        assertEquals(JsonWhitespace.pattern("[ ]?"), ((OutputConstraint.JsonSchema) chat(
                "\"guided_json\": " + SCHEMA + ", \"guided_whitespace_pattern\": \"[ ]?\"")).whitespace());
        assertEquals(JsonWhitespace.pattern("\\n?"), ((OutputConstraint.JsonSchema) chat(
                "\"structured_outputs\": {\"json\": " + SCHEMA + ", \"whitespace_pattern\": \"\\\\n?\"}")).whitespace());
    }

    @Test
    void twoKindsAreRefusedInVllmsWordsNamingTheSecond() {
        InvalidRequestException both = refused("\"structured_outputs\": {\"regex\": \"a\", \"choice\": [\"a\"]}");
        assertTrue(both.getMessage().startsWith("You can only use one kind of structured outputs constraint but multiple "
                + "are specified: structured_outputs.regex, structured_outputs.choice"), both.getMessage());
        assertEquals("structured_outputs.choice", both.param());

        assertEquals("guided_json", refused("\"response_format\": {\"type\": \"json_object\"}, \"guided_json\": {}").param());
        assertEquals("guided_regex", refused("\"structured_outputs\": {\"regex\": \"a\"}, \"guided_regex\": \"b\"").param());
    }

    @Test
    void malformedFieldsAreRefusedNamingThem() {
        assertEquals("structured_outputs.json", refused("\"structured_outputs\": {\"json\": \"{not json\"}").param());
        assertEquals("guided_json", refused("\"guided_json\": [1]").param());
        InvalidRequestException deep = refused("\"guided_json\": \"" + "[".repeat(100_000) + "\"");
        assertEquals("guided_json", deep.param());
        assertTrue(deep.getMessage().contains("nest more than 128 levels deep"), deep.getMessage());
        assertEquals("guided_json", refused("\"guided_json\": \"{\\\"maximum\\\": 1e9999999999}\"").param());
        assertEquals("structured_outputs.choice.1", refused("\"structured_outputs\": {\"choice\": [\"a\", 1]}").param());
        assertEquals("guided_choice", refused("\"guided_choice\": []").param());
        assertEquals("guided_regex", refused("\"guided_regex\": 5").param());
        assertEquals("structured_outputs", refused("\"structured_outputs\": \"json\"").param());
        assertEquals("structured_outputs.structural_tag", refused("\"structured_outputs\": {\"structural_tag\": \"{}\"}").param());
        assertEquals("response_format.type", refused("\"response_format\": {\"type\": \"structural_tag\"}").param());
        assertEquals("response_format.json_schema.schema",
                refused("\"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"n\"}}").param());
        assertEquals("structured_outputs.whitespace_pattern", refused("\"structured_outputs\": {\"json_object\": true, "
                + "\"disable_any_whitespace\": true, \"whitespace_pattern\": \" \"}").param());
    }
}
