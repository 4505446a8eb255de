package dev.vela.adapters.hf;

import static dev.vela.adapters.hf.random.QwenStyleTokenizerFixture.idOf;
import static dev.vela.adapters.hf.random.QwenStyleTokenizerFixture.idOfBytes;
import static dev.vela.adapters.hf.random.QwenStyleTokenizerFixture.utf8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.hf.random.QwenStyleTokenizerFixture;
import dev.vela.adapters.hf.random.R1DistillTokens;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfTokenizerTest {

    private static final String CHINESE = "请介绍下中科院计算所？";
    private static final String MIXED = "hello world! Ünïcödé 😀 ok 🎉\n\tend";
    private static final int BOS = idOf(R1DistillTokens.BOS);
    private static final int EOS = idOf(R1DistillTokens.EOS);
    private static final int THINK = idOf(R1DistillTokens.THINK);

    @TempDir
    static Path dir;
    static HfTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = HfTokenizer.load(QwenStyleTokenizerFixture.writeTo(dir));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void encodingWithoutSpecialTokensGivesOnlyTheTextsTokens() {
        assertArrayEquals(new int[] {idOfBytes(utf8("hello")), idOfBytes(utf8(" world"))},
                tokenizer.encode("hello world", false));
    }

    @Test
    void encodingWithSpecialTokensPutsBosFirst() {
        int[] plain = tokenizer.encode("hello world", false);
        int[] withBos = tokenizer.encode("hello world", true);

        assertEquals(BOS, withBos[0]);
        assertArrayEquals(plain, Arrays.copyOfRange(withBos, 1, withBos.length));
    }

    @Test
    void addedTokenTextEncodesAsItsOneId() {
        assertArrayEquals(new int[] {THINK, '\n', 'x'}, tokenizer.encode("<think>\nx", false));
    }

    @Test
    void textIsNfcNormalizedBeforeEncoding() {
        assertArrayEquals(tokenizer.encode("caf\u00e9", false), tokenizer.encode("cafe\u0301", false));
    }

    @Test
    void chineseTextRoundTrips() {
        assertEquals(CHINESE, tokenizer.decode(tokenizer.encode(CHINESE, false), false));
    }

    @Test
    void asciiAndEmojiTextRoundTrips() {
        assertEquals(MIXED, tokenizer.decode(tokenizer.encode(MIXED, false), false));
    }

    @Test
    void tokenBytesJoinedAreTheUtf8OfTheText() {
        for (String text : new String[] {CHINESE, MIXED}) {
            assertArrayEquals(utf8(text), joinedBytes(tokenizer.encode(text, false)), text);
        }
    }

    @Test
    void decodingMatchesTheJoinedTokenBytes() {
        int[] ids = tokenizer.encode(CHINESE + MIXED, false);

        assertEquals(new String(joinedBytes(ids), StandardCharsets.UTF_8), tokenizer.decode(ids, false));
    }

    @Test
    void aCharacterSplitOverTwoTokensGivesEachItsPartOfTheBytes() {
        int[] ids = tokenizer.encode("下", false);

        assertEquals(2, ids.length);
        assertArrayEquals(new byte[] {(byte) 0xE4, (byte) 0xB8}, tokenizer.tokenBytes(ids[0]));
        assertArrayEquals(new byte[] {(byte) 0x8B}, tokenizer.tokenBytes(ids[1]));
    }

    @Test
    void anAddedTokenStandsForTheUtf8OfItsText() {
        assertArrayEquals(utf8(R1DistillTokens.BOS), tokenizer.tokenBytes(BOS));
    }

    @Test
    void bosAndEosAreSpecialButThinkAndRoleMarkersAreNot() {
        assertTrue(tokenizer.isSpecial(BOS));
        assertTrue(tokenizer.isSpecial(EOS));
        assertFalse(tokenizer.isSpecial(THINK));
        assertFalse(tokenizer.isSpecial(idOf(R1DistillTokens.USER)));
        assertFalse(tokenizer.isSpecial(idOfBytes(utf8("hello"))));
    }

    @Test
    void skippingSpecialTokensDropsBosAndEosButKeepsThink() {
        int[] ids = tokenizer.encode("<think>hello</think><｜end▁of▁sentence｜>", true);

        assertEquals("<｜begin▁of▁sentence｜><think>hello</think><｜end▁of▁sentence｜>", tokenizer.decode(ids, false));
        assertEquals("<think>hello</think>", tokenizer.decode(ids, true));
    }

    @Test
    void sizeIsTheHighestIdPlusOne() {
        assertEquals(QwenStyleTokenizerFixture.size(), tokenizer.size());
    }

    @Test
    void idsTheTokenizerDoesNotKnowHaveNoBytesAndAreNotSpecial() {
        assertArrayEquals(new byte[0], tokenizer.tokenBytes(tokenizer.size()));
        assertArrayEquals(new byte[0], tokenizer.tokenBytes(-1));
        assertFalse(tokenizer.isSpecial(tokenizer.size()));
    }

    @Test
    void aLongTextIsNotTruncated() {
        int[] ids = tokenizer.encode("中".repeat(2000), false);

        assertEquals(2000, ids.length);
        assertTrue(Arrays.stream(ids).allMatch(id -> id == idOfBytes(utf8("中"))));
    }

    @Test
    void encodingFromManyThreadsAtOnceGivesTheSameIds() throws Exception {
        int[] expected = tokenizer.encode(CHINESE + MIXED, true);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<int[]>> results = IntStream.range(0, 200)
                    .mapToObj(i -> pool.submit(() -> tokenizer.encode(CHINESE + MIXED, true)))
                    .toList();
            for (Future<int[]> result : results) {
                assertArrayEquals(expected, result.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTokenizerFileThatIsNotJsonIsRefusedNamingTheFile(@TempDir Path other) throws IOException {
        Path file = Files.writeString(other.resolve("tokenizer.json"), "{\"model\": ");

        ModelDirectoryException e = assertThrows(ModelDirectoryException.class, () -> HfTokenizer.load(file));

        assertTrue(e.getMessage().startsWith("tokenizer.json: not valid JSON (line 1, column "), e.getMessage());
    }

    @Test
    void aTokenizerThatIsNotByteLevelIsRefused(@TempDir Path other) throws IOException {
        Path file = Files.writeString(other.resolve("tokenizer.json"),
                "{\"decoder\": {\"type\": \"Metaspace\"}, \"model\": {\"type\": \"Unigram\", \"vocab\": [[\"a\", 0.0]]}}");

        ModelDirectoryException e = assertThrows(ModelDirectoryException.class, () -> HfTokenizer.load(file));

        assertTrue(e.getMessage().startsWith("tokenizer.json: only byte-level BPE tokenizers"), e.getMessage());
    }

    private static byte[] joinedBytes(int[] ids) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (int id : ids) {
            joined.writeBytes(tokenizer.tokenBytes(id));
        }
        return joined.toByteArray();
    }
}
