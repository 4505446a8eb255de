package dev.vela.adapters.hf.random;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A byte-level BPE tokenizer as llama.cpp's {@code gpt2} vocabulary reads it from GGUF: one token
 * string and type per embedding row, the merges, and the special ids. Read from a Hugging Face
 * directory's {@code tokenizer.json}, {@code tokenizer_config.json}, {@code generation_config.json}
 * and {@code config.json}, the way llama.cpp's own converter reads them.
 *
 * @param tokens     one per embedding row; rows the tokenizer does not use are {@code [PAD<id>]}
 * @param types      llama.cpp's token types, one per token
 * @param merges     {@code "left right"} pairs in rank order
 * @param addBos     tokenizer_config.json's {@code add_bos_token}; false when it does not say
 */
public record GgufTokenizer(List<String> tokens, int[] types, List<String> merges, int bos, int eos, int padding,
                            boolean addBos) {

    public static final int NORMAL = 1;
    public static final int CONTROL = 3;
    public static final int USER_DEFINED = 4;
    public static final int UNUSED = 5;

    public GgufTokenizer {
        tokens = List.copyOf(tokens);
        types = types.clone();
        merges = List.copyOf(merges);
    }

    @Override
    public int[] types() {
        return types.clone();
    }

    /** Reads the tokenizer of the model directory {@code dir} for a model with {@code vocabSize} embedding rows. */
    public static GgufTokenizer read(Path dir, int vocabSize) throws IOException {
        JsonObject tokenizer = json(dir.resolve("tokenizer.json")).orElseThrow(
                () -> new IOException("tokenizer.json: missing in " + dir));
        JsonObject model = tokenizer.getJsonObject("model");
        if (model == null || !"BPE".equals(model.getString("type", "BPE")) || model.getJsonObject("vocab") == null) {
            throw new IOException("tokenizer.json: not a BPE tokenizer with a \"model.vocab\"");
        }
        String[] tokens = new String[vocabSize];
        int[] types = new int[vocabSize];
        model.getJsonObject("vocab").forEach((token, id) -> put(tokens, types, id(id, token), token, NORMAL));
        Map<String, Integer> added = new HashMap<>();
        for (JsonValue entry : tokenizer.getJsonArray("added_tokens") == null ? JsonValue.EMPTY_JSON_ARRAY
                : tokenizer.getJsonArray("added_tokens")) {
            JsonObject token = entry.asJsonObject();
            String content = token.getString("content");
            int id = id(token.get("id"), content);
            put(tokens, types, id, content, token.getBoolean("special", false) || looksSpecial(content) ? CONTROL : USER_DEFINED);
            added.put(content, id);
        }
        for (int id = 0; id < vocabSize; id++) {
            if (tokens[id] == null) {
                tokens[id] = "[PAD" + id + "]";
                types[id] = UNUSED;
            }
        }
        List<String> merges = new ArrayList<>();
        for (JsonValue merge : model.getJsonArray("merges") == null ? JsonValue.EMPTY_JSON_ARRAY : model.getJsonArray("merges")) {
            merges.add(switch (merge) {
                case JsonString pair -> pair.getString();
                case JsonArray pair -> pair.getString(0) + " " + pair.getString(1);
                default -> throw new IOException("tokenizer.json: a merge is neither \"a b\" nor [\"a\", \"b\"]: " + merge);
            });
        }

        Optional<JsonObject> tokenizerConfig = json(dir.resolve("tokenizer_config.json"));
        Optional<JsonObject> generation = json(dir.resolve("generation_config.json"));
        Optional<JsonObject> config = json(dir.resolve("config.json"));
        int eos = special("eos", tokenizerConfig, generation, config, added)
                .orElseThrow(() -> new IOException(dir + ": names no eos token (tokenizer_config.json, generation_config.json or config.json)"));
        int bos = special("bos", tokenizerConfig, generation, config, added).orElse(eos);
        int padding = special("pad", tokenizerConfig, generation, config, added).orElse(eos);
        boolean addBos = tokenizerConfig.map(c -> c.get("add_bos_token") == JsonValue.TRUE).orElse(false);
        return new GgufTokenizer(List.of(tokens), types, merges, bos, eos, padding, addBos);
    }

    /**
     * Some models leave control tokens unmarked; like llama.cpp's converter, {@code <|...|>} and
     * DeepSeek's full-width {@code <｜...｜>} count as control tokens anyway.
     */
    static boolean looksSpecial(String token) {
        return token.startsWith("<|") && token.endsWith("|>") || token.startsWith("<｜") && token.endsWith("｜>");
    }

    /**
     * A special id: the token tokenizer_config.json names ({@code "eos_token": "<...>"} or
     * {@code {"content": "<...>"}}), else {@code <kind>_token_id} of generation_config.json, else of
     * config.json (the first, where it is a list).
     */
    private static Optional<Integer> special(String kind, Optional<JsonObject> tokenizerConfig, Optional<JsonObject> generation,
                                             Optional<JsonObject> config, Map<String, Integer> added) {
        Optional<Integer> named = tokenizerConfig.map(c -> c.get(kind + "_token")).flatMap(value -> switch (value) {
            case JsonString text -> Optional.ofNullable(added.get(text.getString()));
            case JsonObject token when token.get("content") instanceof JsonString text -> Optional.ofNullable(added.get(text.getString()));
            default -> Optional.empty();
        });
        return named.or(() -> tokenId(generation, kind)).or(() -> tokenId(config, kind));
    }

    private static Optional<Integer> tokenId(Optional<JsonObject> file, String kind) {
        return file.map(f -> f.get(kind + "_token_id")).flatMap(value -> switch (value) {
            case JsonNumber id -> Optional.of(id.intValueExact());
            case JsonArray ids when !ids.isEmpty() && ids.get(0) instanceof JsonNumber id -> Optional.of(id.intValueExact());
            default -> Optional.empty();
        });
    }

    private static void put(String[] tokens, int[] types, int id, String token, int type) {
        if (id >= tokens.length) {
            throw new IllegalArgumentException("tokenizer.json: token " + token + " has id " + id
                    + ", past the model's " + tokens.length + " embedding rows");
        }
        tokens[id] = token;
        types[id] = type;
    }

    private static int id(JsonValue value, String token) {
        if (value instanceof JsonNumber number && number.isIntegral() && number.intValue() >= 0) {
            return number.intValueExact();
        }
        throw new IllegalArgumentException("tokenizer.json: token " + token + " has no valid id: " + value);
    }

    private static Optional<JsonObject> json(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8); JsonReader reader = Json.createReader(in)) {
            return Optional.of(reader.readObject());
        }
    }
}
