package dev.vela.adapters.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.rest.wire.RequestJson;
import dev.vela.domain.error.InvalidRequestException;
import org.junit.jupiter.api.Test;

class RequestBodiesTest {

    private static final String MESSAGES = "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}]";

    private static InvalidRequestException refused(String body) {
        return assertThrows(InvalidRequestException.class, () -> RequestBodies.parse(body, "ChatCompletionRequest"));
    }

    private static String nestedArrays(int depth) {
        return "[".repeat(depth) + "]".repeat(depth);
    }

    @Test
    void arraysNestedAThousandDeepAreRefusedNamingTheField() {
        InvalidRequestException e = refused("{" + MESSAGES + ", \"tools\": " + nestedArrays(1000) + "}");
        assertEquals("tools", e.param());
        assertTrue(e.getMessage().contains("nest more than 128 levels deep in `tools`"), e.getMessage());
    }

    @Test
    void objectsNestedDeepInsideAMessageAreRefusedNamingMessages() {
        String deep = "{\"a\": ".repeat(1000) + "1" + "}".repeat(1000);
        InvalidRequestException e = refused("{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\", \"x\": " + deep + "}]}");
        assertEquals("messages", e.param());
    }

    @Test
    void aBodyThatIsDeeplyNestedArraysIsRefusedWithoutAField() {
        InvalidRequestException e = refused(nestedArrays(100_000));
        assertNull(e.param());
        assertTrue(e.getMessage().startsWith("The request body is not valid JSON"), e.getMessage());
    }

    @Test
    void nestingUpToTheLimitIsAccepted() {
        RequestJson json = RequestBodies.parse("{" + MESSAGES + ", \"x\": " + nestedArrays(127) + "}", "ChatCompletionRequest");
        assertTrue(json.has("x"));
    }

    @Test
    void bracketsAndQuotesInsideStringsDoNotCount() {
        String text = "[{\\\"".repeat(1000);
        RequestJson json = RequestBodies.parse("{\"prompt\": \"" + text + "\", \"n\": 1}", "CompletionRequest");
        assertEquals("[{\"".repeat(1000), json.string("prompt"));
        assertEquals(1, json.integer("n"));
    }

    @Test
    void aNumberWrittenWithMoreCharactersThanTheParserTakesIsRefusedNamingTheField() {
        InvalidRequestException e = refused("{" + MESSAGES + ", \"seed\": 1" + "0".repeat(2000) + "}");
        assertEquals("seed", e.param());
        assertTrue(e.getMessage().contains("more than 1100 characters"), e.getMessage());
    }

    @Test
    void aNumberWhoseExponentOverflowsIsRefusedNamingTheField() {
        InvalidRequestException e = refused("{" + MESSAGES + ", \"temperature\": 1e9999999999}");
        assertEquals("temperature", e.param());
        assertTrue(e.getMessage().contains("exponent has more than 9 digits"), e.getMessage());
    }

    @Test
    void aNumberWithANineDigitExponentIsParsed() {
        RequestJson json = RequestBodies.parse("{\"temperature\": 1e-000999999999}", "ChatCompletionRequest");
        assertEquals(0.0, json.number("temperature"));
    }

    @Test
    void anEmptyOrBlankBodyIsRefusedSayingAnObjectIsExpected() {
        for (String body : new String[] {null, "", " \n\t"}) {
            InvalidRequestException e = refused(body);
            assertEquals("The request body is empty; expected a JSON object.", e.getMessage());
            assertNull(e.param());
        }
    }

    @Test
    void textThatIsNotJsonIsRefusedWithTheParsersReason() {
        InvalidRequestException e = refused("{\"messages\": [");
        assertTrue(e.getMessage().startsWith("The request body is not valid JSON: "), e.getMessage());
        assertNull(e.param());
    }

    @Test
    void jsonThatIsNotAnObjectIsRefusedAsVllmRefusesIt() {
        for (String body : new String[] {"[1, 2]", "\"Hi\"", "42", "null"}) {
            assertEquals("1 validation error for ChatCompletionRequest\n  Input should be a valid dictionary or object to "
                    + "extract fields from [type=model_attributes_type]", refused(body).getMessage(), body);
        }
    }
}
