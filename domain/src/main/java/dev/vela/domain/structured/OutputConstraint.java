package dev.vela.domain.structured;

import dev.vela.domain.error.InvalidRequestException;
import java.util.List;

/**
 * What a request's answer must be, enforced token by token (vLLM's structured outputs): a JSON
 * value valid against a schema, any JSON object, a full match of a regular expression, one of a
 * list of strings, or a sentence of an EBNF grammar.
 *
 * <p>Each kind carries the request field it came from, so that a schema, regex or grammar that
 * cannot be compiled is refused naming that field.
 */
public sealed interface OutputConstraint {

    /** The request field this constraint came from ({@code response_format}, {@code structured_outputs.json}, ...). */
    String field();

    /**
     * A JSON value valid against {@code schema}: the schema as a plain tree of {@code Map<String, Object>},
     * {@code List<Object>}, {@code String}, {@code java.math.BigDecimal}, {@code Boolean} and {@code null}.
     */
    record JsonSchema(Object schema, JsonWhitespace whitespace, String field) implements OutputConstraint {
        public JsonSchema {
            whitespace = whitespace == null ? JsonWhitespace.BOUNDED : whitespace;
        }
    }

    /** Any JSON object ({@code response_format: {"type": "json_object"}}). */
    record JsonObject(JsonWhitespace whitespace, String field) implements OutputConstraint {
        public JsonObject {
            whitespace = whitespace == null ? JsonWhitespace.BOUNDED : whitespace;
        }
    }

    /** A full match of a regular expression. */
    record Regex(String pattern, String field) implements OutputConstraint {
        public Regex {
            if (pattern == null) {
                throw new InvalidRequestException(field + " must be a string.", field);
            }
        }
    }

    /** Exactly one of the given strings. */
    record Choice(List<String> choices, String field) implements OutputConstraint {
        public Choice {
            if (choices == null || choices.isEmpty()) {
                throw new InvalidRequestException(field + " must be a non-empty list of strings.", field);
            }
            choices = List.copyOf(choices);
        }
    }

    /** A sentence of an EBNF grammar in llama.cpp's GBNF dialect, starting at rule {@code root}. */
    record Grammar(String ebnf, String field) implements OutputConstraint {
        public Grammar {
            if (ebnf == null) {
                throw new InvalidRequestException(field + " must be a string.", field);
            }
        }
    }
}
