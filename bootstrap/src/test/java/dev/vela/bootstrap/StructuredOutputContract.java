package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.StructuredChatCompletion;
import com.openai.models.chat.completions.StructuredChatCompletionCreateParams;
import dev.vela.application.structured.SchemaCase;
import dev.vela.application.structured.SchemaValidator;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Structured outputs through the whole server on a random-weight model, sampled at temperature
 * 1.0: whatever the weights, an answer that stops is valid against its schema, a stream carries
 * the same answer, and what cannot be enforced is a 400 before any generation. Each subclass
 * names the model it runs on.
 */
abstract class StructuredOutputContract {

    private static final String COMPLETIONS = "/v1/completions";
    private static final String CHAT = "/v1/chat/completions";
    private static final String MESSAGES = "\"messages\": [{\"role\": \"user\", \"content\": \"Answer in JSON\"}]";
    private static final int CHOICES = 4;
    private static final AtomicInteger ANSWERS = new AtomicInteger();
    private static final AtomicInteger STOPPED = new AtomicInteger();

    /** How many seeds each schema is sampled with (each gives several choices). */
    abstract int seeds();

    @BeforeAll
    static void countFromZero() {
        ANSWERS.set(0);
        STOPPED.set(0);
    }

    static Stream<SchemaCase> schemas() {
        return SchemaCase.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("schemas")
    void everyAnswerThatStopsIsValidAgainstItsSchema(SchemaCase schemaCase, TestClient client) {
        SchemaValidator validator = SchemaValidator.of(schemaCase.schema());
        for (int seed = 0; seed < seeds(); seed++) {
            TestClient.Reply reply = client.post(COMPLETIONS, "{\"prompt\": \"Answer in JSON:\", \"max_tokens\": 160, "
                    + "\"temperature\": 1.0, \"seed\": " + seed + ", \"n\": " + CHOICES + ", "
                    + "\"structured_outputs\": {\"json\": " + schemaCase.schema() + "}}");
            assertEquals(200, reply.status(), reply.body());
            for (JsonObject choice : reply.json().getJsonArray("choices").getValuesAs(JsonObject.class)) {
                ANSWERS.incrementAndGet();
                if (choice.getString("finish_reason").equals("stop")) {
                    STOPPED.incrementAndGet();
                    assertEquals(List.of(), validator.errors(choice.getString("text")), choice.getString("text"));
                }
            }
        }
    }

    /**
     * One schema (an unbounded string) or json_object may never finish within its budget on
     * random weights; most answers of the class together do.
     */
    @AfterAll
    static void mostAnswersFinishWithinTheirBudget() {
        assertTrue(ANSWERS.get() == 0 || STOPPED.get() * 2 > ANSWERS.get(), STOPPED + " of " + ANSWERS + " answers stopped");
    }

    @Test
    void aJsonObjectAnswerThatStopsIsAnObject(TestClient client) {
        SchemaValidator anyObject = SchemaValidator.of("{\"type\": \"object\"}");
        for (int seed = 0; seed < seeds(); seed++) {
            TestClient.Reply reply = client.post(CHAT, "{" + MESSAGES + ", \"max_tokens\": 120, \"temperature\": 1.0, "
                    + "\"seed\": " + seed + ", \"n\": " + CHOICES + ", \"response_format\": {\"type\": \"json_object\"}}");
            assertEquals(200, reply.status(), reply.body());
            for (JsonObject choice : reply.json().getJsonArray("choices").getValuesAs(JsonObject.class)) {
                ANSWERS.incrementAndGet();
                if (choice.getString("finish_reason").equals("stop")) {
                    STOPPED.incrementAndGet();
                    String text = choice.getJsonObject("message").getString("content");
                    assertEquals(List.of(), anyObject.errors(text), text);
                }
            }
        }
    }

    static Stream<SchemaCase> streamedSchemas() {
        return SchemaCase.all().stream().filter(c -> List.of("nested objects", "recursive tree", "pydantic model",
                "free strings with escapes and non-ASCII").contains(c.name()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("streamedSchemas")
    void aStreamedAnswerIsTheNonStreamedOneForTheSameSeed(SchemaCase schemaCase, TestClient client) {
        for (int seed = 0; seed < seeds(); seed++) {
            String body = "{" + MESSAGES + ", \"max_tokens\": 80, \"temperature\": 1.0, \"seed\": " + seed
                    + ", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"a\", \"schema\": "
                    + schemaCase.schema() + "}}";
            JsonObject whole = client.post(CHAT, body + "}").json().getJsonArray("choices").getJsonObject(0);
            TestClient.Reply stream = client.post(CHAT, body + ", \"stream\": true}");

            assertEquals(whole.getJsonObject("message").getString("content"), stream.streamed("content"));
            assertEquals(whole.getString("finish_reason"), stream.events().stream()
                    .flatMap(event -> event.getJsonArray("choices").getValuesAs(JsonObject.class).stream())
                    .filter(choice -> !choice.isNull("finish_reason"))
                    .map(choice -> choice.getString("finish_reason")).findFirst().orElseThrow());
        }
    }

    static Stream<Arguments> uncompilable() {
        return Stream.of(
                Arguments.of(CHAT, MESSAGES + ", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": "
                        + "{\"name\": \"a\", \"schema\": {\"type\": \"string\", \"not\": {\"const\": \"x\"}}}}",
                        "response_format.json_schema.schema", "keyword 'not' is not supported"),
                Arguments.of(COMPLETIONS, "\"prompt\": \"Hi\", \"guided_json\": {\"type\": \"string\", \"pattern\": \"(a)\\\\1\"}",
                        "guided_json", "'pattern' (a)\\1 cannot be enforced"),
                Arguments.of(COMPLETIONS, "\"prompt\": \"Hi\", \"structured_outputs\": {\"json\": {\"$ref\": \"#\"}}",
                        "structured_outputs.json", "refers to itself without progress"),
                Arguments.of(COMPLETIONS, "\"prompt\": \"Hi\", \"structured_outputs\": {\"regex\": \"(a\"}",
                        "structured_outputs.regex", "Invalid regular expression"),
                Arguments.of(CHAT, MESSAGES + ", \"guided_grammar\": \"root ::= (\"", "guided_grammar", "Invalid grammar"),
                Arguments.of(CHAT, MESSAGES + ", \"structured_outputs\": {\"json_object\": true, \"whitespace_pattern\": \"(\"}",
                        "structured_outputs.json_object", "Invalid whitespace_pattern"),
                Arguments.of(CHAT, MESSAGES + ", \"response_format\": {\"type\": \"json_object\"}, \"guided_regex\": \"a\"",
                        "guided_regex", "You can only use one kind of structured outputs constraint"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("uncompilable")
    void whatCannotBeEnforcedIsA400NamingTheFieldAndTheServerKeepsServing(String path, String fields, String param,
            String reason, TestClient client) {
        TestClient.Reply reply = client.post(path, "{" + fields + "}");

        assertEquals(400, reply.status(), reply.body());
        JsonObject error = reply.json().getJsonObject("error");
        assertEquals(param, error.getString("param"));
        assertTrue(error.getString("message").contains(reason), error.getString("message"));
        assertEquals(200, client.post(COMPLETIONS, "{\"prompt\": \"Hi\", \"max_tokens\": 4, "
                + "\"structured_outputs\": {\"choice\": [\"yes\", \"no\"]}}").status());
    }

    /** What a client's Java class asks for, through the SDK's structured-output helper. */
    enum Mood { HAPPY, SAD }

    record Review(boolean approved, long stars, Mood mood) {
    }

    @Test
    void theOpenAiSdkReadsTheAnswerIntoTheJavaClassItGaveAsTheSchema(TestClient client) {
        int parsed = 0;
        for (long seed = 0; seed < 8 && parsed == 0; seed++) {
            StructuredChatCompletionCreateParams<Review> params = ChatCompletionCreateParams.builder()
                    .model("DeepSeek-R1-Distill-Qwen-32B")
                    .addUserMessage("Review this server")
                    .maxCompletionTokens(160)
                    .temperature(1.0)
                    .seed(seed)
                    .responseFormat(Review.class)
                    .build();
            StructuredChatCompletion<Review> completion = client.openai().chat().completions().create(params);
            StructuredChatCompletion.Choice<Review> choice = completion.choices().get(0);
            if (choice.finishReason().asString().equals("stop")) {
                Review review = choice.message().content().orElseThrow();
                assertTrue(review.mood() != null, review.toString());
                parsed++;
            }
        }
        assertTrue(parsed > 0, "no answer of eight stopped within 160 tokens");
    }
}
