package dev.vela.adapters.hf.random;

import dev.vela.adapters.hf.ByteLevelAlphabet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small {@code tokenizer.json} in DeepSeek-R1-Distill-Qwen's format, written by the same
 * {@link TokenizerFiles} as the random models': Qwen2's pipeline (NFC, the Qwen2 split regex,
 * byte-level BPE, a post-processor that prepends BOS), the 256 byte tokens at ids 0–255
 * (id = byte value), a few merged words, then R1-Distill's added tokens.
 */
public final class QwenStyleTokenizerFixture {

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
    private final TokenizerFiles files;

    private QwenStyleTokenizerFixture() {
        for (int b = 0; b < 256; b++) {
            vocab.put(String.valueOf(ByteLevelAlphabet.charOf(b)), b);
        }
        MERGED.forEach(this::mergeLeftToRight);
        files = new TokenizerFiles(new BpeVocabulary(List.copyOf(vocab.keySet()), merges));
    }

    /** Id of an added token such as BOS. */
    public static int idOf(String addedToken) {
        return FIXTURE.files.idOf(addedToken);
    }

    /** Id of a token given by the bytes it stands for. */
    public static int idOfBytes(byte[] bytes) {
        return FIXTURE.vocab.get(ByteLevelAlphabet.encode(bytes));
    }

    public static int size() {
        return FIXTURE.files.size();
    }

    /** Writes {@code tokenizer.json} into {@code dir} and returns its path. */
    public static Path writeTo(Path dir) {
        Path file = dir.resolve("tokenizer.json");
        try {
            FIXTURE.files.writeTokenizerJson(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
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
}
