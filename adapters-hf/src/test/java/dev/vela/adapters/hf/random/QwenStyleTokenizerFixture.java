package dev.vela.adapters.hf;

import dev.vela.adapters.hf.random.R1DistillTokens;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small {@code tokenizer.json} in DeepSeek-R1-Distill-Qwen's format: Qwen2's pipeline (NFC, the
 * Qwen2 split regex, byte-level BPE, a post-processor that prepends BOS), the 256 byte tokens at
 * ids 0–255 (id = byte value), a few merged words, then R1-Distill's added tokens.
 */
final class QwenStyleTokenizerFixture {

    static final String QWEN2_SPLIT = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /**
     * Merged left to right into one token each, except the emoji: only its first two bytes merge,
     * so it spans three tokens. 下 (e4 b8 8b) shares its first two bytes with 中 (e4 b8 ad), so it
     * becomes the token for e4 b8 plus the byte token 8b.
     */
    private static final List<byte[]> MERGED = List.of(
            utf8("hello"), utf8(" world"), utf8("中"), utf8("科院"),
            new byte[] {(byte) 0xF0, (byte) 0x9F});

    private static final QwenStyleTokenizerFixture FIXTURE = new QwenStyleTokenizerFixture();

    private final Map<String, Integer> vocab = new LinkedHashMap<>();
    private final List<String> merges = new ArrayList<>();

    private QwenStyleTokenizerFixture() {
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(ByteLevelAlphabet.charOf(b)), b);
        }
        MERGED.forEach(this::mergeLeftToRight);
    }

    /** Id of an added token such as BOS. */
    static int idOf(String addedToken) {
        return FIXTURE.vocab.size() + R1DistillTokens.indexOf(addedToken);
    }

    /** Id of a token given by the bytes it stands for. */
    static int idOfBytes(byte[] bytes) {
        return FIXTURE.vocab.get(ByteLevelAlphabet.encode(bytes));
    }

    static int size() {
        return FIXTURE.vocab.size() + R1DistillTokens.ALL.size();
    }

    /** Writes {@code tokenizer.json} into {@code dir} and returns its path. */
    static Path writeTo(Path dir) {
        Path file = dir.resolve("tokenizer.json");
        try {
            Files.writeString(file, FIXTURE.json().toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private void mergeLeftToRight(byte[] word) {
        String merged = String.valueOf(ByteLevelAlphabet.charOf(word[0]));
        for (int i = 1; i < word.length; i++) {
            String next = String.valueOf(ByteLevelAlphabet.charOf(word[i]));
            merges.add(merged + " " + next);
            merged += next;
            vocab.putIfAbsent(merged, vocab.size());
        }
    }

    private JsonObject json() {
        String bos = R1DistillTokens.BOS;
        JsonArrayBuilder added = Json.createArrayBuilder();
        for (int i = 0; i < R1DistillTokens.ALL.size(); i++) {
            R1DistillTokens.AddedToken token = R1DistillTokens.ALL.get(i);
            added.add(Json.createObjectBuilder().add("id", vocab.size() + i).add("content", token.content())
                    .add("single_word", false).add("lstrip", false).add("rstrip", false)
                    .add("normalized", false).add("special", token.special()));
        }
        JsonObjectBuilder vocabJson = Json.createObjectBuilder();
        vocab.forEach(vocabJson::add);
        JsonArrayBuilder mergesJson = Json.createArrayBuilder();
        merges.forEach(mergesJson::add);
        return Json.createObjectBuilder()
                .add("version", "1.0")
                .addNull("truncation")
                .addNull("padding")
                .add("added_tokens", added)
                .add("normalizer", Json.createObjectBuilder().add("type", "NFC"))
                .add("pre_tokenizer", Json.createObjectBuilder().add("type", "Sequence").add("pretokenizers",
                        Json.createArrayBuilder()
                                .add(Json.createObjectBuilder().add("type", "Split")
                                        .add("pattern", Json.createObjectBuilder().add("Regex", QWEN2_SPLIT))
                                        .add("behavior", "Isolated").add("invert", false))
                                .add(Json.createObjectBuilder().add("type", "ByteLevel").add("add_prefix_space", false)
                                        .add("trim_offsets", false).add("use_regex", false))))
                .add("post_processor", Json.createObjectBuilder().add("type", "TemplateProcessing")
                        .add("single", Json.createArrayBuilder()
                                .add(special(bos, 0))
                                .add(Json.createObjectBuilder().add("Sequence",
                                        Json.createObjectBuilder().add("id", "A").add("type_id", 0))))
                        .add("pair", Json.createArrayBuilder()
                                .add(special(bos, 0))
                                .add(Json.createObjectBuilder().add("Sequence",
                                        Json.createObjectBuilder().add("id", "A").add("type_id", 0)))
                                .add(special(bos, 1))
                                .add(Json.createObjectBuilder().add("Sequence",
                                        Json.createObjectBuilder().add("id", "B").add("type_id", 1))))
                        .add("special_tokens", Json.createObjectBuilder().add(bos, Json.createObjectBuilder()
                                .add("id", bos)
                                .add("ids", Json.createArrayBuilder().add(vocab.size() + R1DistillTokens.indexOf(bos)))
                                .add("tokens", Json.createArrayBuilder().add(bos)))))
                .add("decoder", Json.createObjectBuilder().add("type", "ByteLevel").add("add_prefix_space", true)
                        .add("trim_offsets", true).add("use_regex", true))
                .add("model", Json.createObjectBuilder().add("type", "BPE").addNull("dropout").addNull("unk_token")
                        .addNull("continuing_subword_prefix").addNull("end_of_word_suffix")
                        .add("fuse_unk", false).add("byte_fallback", false)
                        .add("vocab", vocabJson).add("merges", mergesJson))
                .build();
    }

    private static JsonObjectBuilder special(String token, int typeId) {
        return Json.createObjectBuilder().add("SpecialToken",
                Json.createObjectBuilder().add("id", token).add("type_id", typeId));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
