package dev.vela.adapters.hf;

import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What each token id of a byte-level BPE {@code tokenizer.json} stands for: its string as the file
 * writes it (the vocabulary entry, or an added token's content), the exact bytes (the vocabulary
 * string read back through GPT-2's byte-level alphabet, or the UTF-8 text of an added token) and
 * whether the id is a special token.
 */
final class Vocabulary {

    private static final byte[] NO_BYTES = new byte[0];

    private final String[] stringById;
    private final byte[][] bytesById;
    private final boolean[] specialById;

    private Vocabulary(String[] stringById, byte[][] bytesById, boolean[] specialById) {
        this.stringById = stringById;
        this.bytesById = bytesById;
        this.specialById = specialById;
    }

    static Vocabulary read(JsonFile tokenizerJson) {
        requireByteLevelDecoder(tokenizerJson);
        Map<Integer, String> strings = new HashMap<>();
        Map<Integer, byte[]> bytes = new HashMap<>();
        Map<Integer, Boolean> special = new HashMap<>();
        vocab(tokenizerJson).forEach((token, value) -> {
            int id = tokenId(tokenizerJson, "model.vocab", value);
            strings.put(id, token);
            bytes.put(id, byteLevelBytes(token));
        });
        if (tokenizerJson.present("added_tokens").orElse(null) instanceof JsonArray addedTokens) {
            for (JsonValue entry : addedTokens) {
                if (!(entry instanceof JsonObject added) || !(added.get("content") instanceof JsonString content)) {
                    throw tokenizerJson.problem("\"added_tokens\" entries need an id and a content, got " + entry);
                }
                int id = tokenId(tokenizerJson, "added_tokens", added.get("id"));
                strings.put(id, content.getString());
                // Added tokens are matched on their text before byte-level encoding, so they stand for its UTF-8.
                bytes.put(id, content.getString().getBytes(StandardCharsets.UTF_8));
                special.put(id, added.getBoolean("special", false));
            }
        }
        int size = strings.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        String[] stringById = new String[size];
        byte[][] bytesById = new byte[size][];
        boolean[] specialById = new boolean[size];
        strings.forEach((id, token) -> stringById[id] = token);
        bytes.forEach((id, tokenBytes) -> bytesById[id] = tokenBytes);
        special.forEach((id, isSpecial) -> specialById[id] = isSpecial);
        return new Vocabulary(stringById, bytesById, specialById);
    }

    /** The string the file writes for {@code id}; null for an id the tokenizer does not know. */
    String string(int id) {
        return id >= 0 && id < stringById.length ? stringById[id] : null;
    }

    /** The bytes {@code id} stands for; none for an id the tokenizer does not know. */
    byte[] bytes(int id) {
        if (id < 0 || id >= bytesById.length || bytesById[id] == null) {
            return NO_BYTES;
        }
        return bytesById[id].clone();
    }

    boolean isSpecial(int id) {
        return id >= 0 && id < specialById.length && specialById[id];
    }

    /** Highest known id + 1. */
    int size() {
        return bytesById.length;
    }

    /**
     * Token bytes can only be recovered from the vocabulary when the tokenizer is byte-level (GPT-2,
     * Qwen2, Llama 3); SentencePiece-style vocabularies would need another mapping.
     */
    private static void requireByteLevelDecoder(JsonFile tokenizerJson) {
        JsonValue decoder = tokenizerJson.present("decoder").orElse(JsonValue.NULL);
        if (!isByteLevel(decoder)) {
            throw tokenizerJson.problem("only byte-level BPE tokenizers (GPT-2 / Qwen2 style) are supported, "
                    + "but its decoder is " + decoder);
        }
    }

    private static boolean isByteLevel(JsonValue decoder) {
        if (!(decoder instanceof JsonObject object)) {
            return false;
        }
        if ("ByteLevel".equals(object.getString("type", null))) {
            return true;
        }
        return object.get("decoders") instanceof JsonArray parts && parts.stream().anyMatch(Vocabulary::isByteLevel);
    }

    private static JsonObject vocab(JsonFile tokenizerJson) {
        if (tokenizerJson.present("model").orElse(null) instanceof JsonObject model
                && model.get("vocab") instanceof JsonObject vocab) {
            return vocab;
        }
        throw tokenizerJson.problem("missing \"model.vocab\" (an object of token to id)");
    }

    private static int tokenId(JsonFile tokenizerJson, String where, JsonValue id) {
        if (id instanceof JsonNumber number && number.isIntegral() && number.intValue() >= 0) {
            return number.intValue();
        }
        throw tokenizerJson.problem("\"" + where + "\" holds an id that is not a non-negative integer: " + id);
    }

    /** A vocabulary entry outside the byte-level alphabet is taken as plain text. */
    private static byte[] byteLevelBytes(String token) {
        byte[] bytes = ByteLevelAlphabet.decode(token);
        return bytes != null ? bytes : token.getBytes(StandardCharsets.UTF_8);
    }
}
