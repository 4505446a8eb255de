package dev.vela.adapters.hf;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonLocation;
import jakarta.json.stream.JsonParsingException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One JSON object file of a model directory, with field readers whose errors name the file and the
 * field ({@code config.json: "hidden_size" must be an integer, got "896"}). A field that is absent
 * or JSON null counts as absent, as transformers' config classes treat it.
 */
final class JsonFile {

    private final String name;
    private final JsonObject root;

    private JsonFile(String name, JsonObject root) {
        this.name = name;
        this.root = root;
    }

    static JsonFile read(Path file) {
        String name = String.valueOf(file.getFileName());
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
             JsonReader reader = Json.createReader(in)) {
            JsonStructure structure = reader.read();
            if (!(structure instanceof JsonObject object)) {
                throw new ModelDirectoryException(name + ": expected a JSON object, found an array");
            }
            return new JsonFile(name, object);
        } catch (NoSuchFileException e) {
            throw new ModelDirectoryException(name + ": missing (looked for " + file.toAbsolutePath() + ")", e);
        } catch (JsonParsingException e) {
            JsonLocation at = e.getLocation();
            throw new ModelDirectoryException(name + ": not valid JSON (line " + at.getLineNumber()
                    + ", column " + at.getColumnNumber() + ")", e);
        } catch (JsonException e) {
            // Parsson reports malformed UTF-8 and a few other problems without a location.
            throw new ModelDirectoryException(name + ": not valid JSON (" + oneLine(e.getMessage()) + ")", e);
        } catch (IOException e) {
            throw new ModelDirectoryException(name + ": cannot be read (" + oneLine(e.toString()) + ")", e);
        }
    }

    /** A problem with this file, worded as the file's name followed by {@code what}. */
    ModelDirectoryException problem(String what) {
        return new ModelDirectoryException(name + ": " + what);
    }

    int requiredInt(String field) {
        return optionalInt(field).orElseThrow(() -> problem("missing \"" + field + "\""));
    }

    Optional<Integer> optionalInt(String field) {
        return present(field).map(value -> {
            if (value instanceof JsonNumber number && number.isIntegral()) {
                try {
                    return number.intValueExact();
                } catch (ArithmeticException e) {
                    throw problem("\"" + field + "\" is out of range, got " + value);
                }
            }
            throw problem("\"" + field + "\" must be an integer, got " + value);
        });
    }

    double requiredDouble(String field) {
        return optionalDouble(field).orElseThrow(() -> problem("missing \"" + field + "\""));
    }

    Optional<Double> optionalDouble(String field) {
        return present(field).map(value -> {
            if (value instanceof JsonNumber number) {
                return number.doubleValue();
            }
            throw problem("\"" + field + "\" must be a number, got " + value);
        });
    }

    Optional<Boolean> optionalBoolean(String field) {
        return present(field).map(value -> {
            if (value == JsonValue.TRUE || value == JsonValue.FALSE) {
                return value == JsonValue.TRUE;
            }
            throw problem("\"" + field + "\" must be true or false, got " + value);
        });
    }

    Optional<String> optionalString(String field) {
        return present(field).map(value -> {
            if (value instanceof JsonString string) {
                return string.getString();
            }
            throw problem("\"" + field + "\" must be a string, got " + value);
        });
    }

    /** The field's value, unless it is absent or null. */
    Optional<JsonValue> present(String field) {
        JsonValue value = root.get(field);
        return value == null || value == JsonValue.NULL ? Optional.empty() : Optional.of(value);
    }

    private static String oneLine(String text) {
        return String.valueOf(text).replaceAll("\\s+", " ").strip();
    }
}
