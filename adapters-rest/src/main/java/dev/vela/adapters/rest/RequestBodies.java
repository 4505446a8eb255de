package dev.vela.adapters.rest;

import dev.vela.adapters.rest.wire.JsonLimits;
import dev.vela.adapters.rest.wire.RequestJson;
import dev.vela.domain.error.InvalidRequestException;
import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.StringReader;

/** Parses a request body as a JSON object; anything else is a 400 that says what is wrong. */
final class RequestBodies {

    private RequestBodies() {
    }

    static RequestJson parse(String body, String requestType) {
        if (body == null || body.isBlank()) {
            throw new InvalidRequestException("The request body is empty; expected a JSON object.");
        }
        JsonLimits.check(body);
        JsonValue value;
        try (JsonReader reader = Json.createReader(new StringReader(body))) {
            value = reader.readValue();
        } catch (JsonException e) {
            throw new InvalidRequestException("The request body is not valid JSON: " + e.getMessage());
        }
        if (!(value instanceof JsonObject object)) {
            throw new InvalidRequestException("1 validation error for " + requestType
                    + "\n  Input should be a valid dictionary or object to extract fields from [type=model_attributes_type]");
        }
        return new RequestJson(object, requestType);
    }
}
