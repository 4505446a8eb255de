package dev.vela.adapters.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.hf.random.R1DistillTokens;
import dev.vela.adapters.hf.random.R1DistillVocabulary;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link HfTokenizer} on DeepSeek-R1-Distill-Qwen's real tokenizer ({@link R1DistillVocabulary}):
 * the ids are the ones Hugging Face's Qwen2 / R1-Distill tokenizer gives.
 */
class R1DistillTokenizerTest {

    private static final int EOS = 151643;
    private static final int USER = 151644;
    private static final int ASSISTANT = 151645;
    private static final int BOS = 151646;
    private static final int THINK = 151648;
    private static final int END_THINK = 151649;
    private static final String CHINESE = "请介绍下中科院计算所？";

    @TempDir
    static Path dir;
    static HfTokenizer tokenizer;

    @BeforeAll
    static void load() {
        tokenizer = HfTokenizer.load(R1DistillVocabulary.writeTokenizerJson(dir));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void helloWorldIsTwoTokens() {
        assertArrayEquals(new int[] {9707, 1879}, tokenizer.encode("Hello world", false));
    }

    @Test
    void aLeadingSpaceBelongsToTheWordAfterIt() {
        assertArrayEquals(new int[] {21927, 1879}, tokenizer.encode(" Hello world", false));
    }

    @Test
    void punctuationIsSplitFromWords() {
        assertArrayEquals(new int[] {9707, 11, 1879, 0}, tokenizer.encode("Hello, world!", false));
    }

    @Test
    void digitsAreSplitOneByOne() {
        assertArrayEquals(new int[] {16, 17, 18, 19, 20}, tokenizer.encode("12345", false));
        assertEquals("3", tokenizer.decode(new int[] {18}, false));
    }

    @Test
    void chineseTextEncodesToQwensIdsAndRoundTrips() {
        int[] ids = tokenizer.encode(CHINESE, false);

        assertArrayEquals(new int[] {14880, 100157, 16872, 113586, 100768, 31838, 11319}, ids);
        assertEquals(CHINESE, tokenizer.decode(ids, false));
    }

    @Test
    void withSpecialTokensBosComesFirstSoACompletionPromptHasFiveTokens() {
        assertArrayEquals(new int[] {BOS, 9707, 11, 1879, 0}, tokenizer.encode("Hello, world!", true));
    }

    @Test
    void everyAddedTokenIsOneIdAtItsRealPlaceWithItsSpecialFlag() {
        for (int i = 0; i < R1DistillTokens.ALL.size(); i++) {
            R1DistillTokens.AddedToken token = R1DistillTokens.ALL.get(i);
            int id = 151643 + i;
            assertArrayEquals(new int[] {id}, tokenizer.encode(token.content(), false), token.content());
            assertEquals(token.special(), tokenizer.isSpecial(id), token.content());
            assertEquals(id, R1DistillVocabulary.idOf(token.content()));
        }
    }

    @Test
    void thinkAndRoleMarkersAreNotSpecial() {
        for (int id : new int[] {USER, ASSISTANT, THINK, END_THINK}) {
            assertFalse(tokenizer.isSpecial(id), String.valueOf(id));
        }
        assertTrue(tokenizer.isSpecial(BOS));
        assertTrue(tokenizer.isSpecial(EOS));
    }

    @Test
    void skippingSpecialTokensDropsBosAndEosButKeepsThink() {
        int[] ids = tokenizer.encode("<think>\nHmm.\n</think>\n\n42<｜end▁of▁sentence｜>", true);

        assertEquals(BOS, ids[0]);
        assertEquals(THINK, ids[1]);
        assertTrue(Arrays.stream(ids).anyMatch(id -> id == END_THINK));
        assertEquals(EOS, ids[ids.length - 1]);
        assertEquals("<think>\nHmm.\n</think>\n\n42", tokenizer.decode(ids, true));
    }

    @Test
    void theToolCallMarkersOfDeepSeekAreTextNotAddedTokens() {
        int[] ids = tokenizer.encode("<｜tool▁calls▁begin｜>", false);

        assertTrue(ids.length > 1, Arrays.toString(ids));
        assertTrue(Arrays.stream(ids).allMatch(id -> id < R1DistillVocabulary.BASE_SIZE));
    }

    @Test
    void theTokenizerKnows151665Ids() {
        assertEquals(151_665, tokenizer.size());
        assertEquals(R1DistillVocabulary.SIZE, tokenizer.size());
    }

    @Test
    void tokenBytesAreTheUtf8OfTheirText() {
        assertArrayEquals(" world".getBytes(StandardCharsets.UTF_8), tokenizer.tokenBytes(1879));
        assertArrayEquals("\n".getBytes(StandardCharsets.UTF_8), tokenizer.tokenBytes(198));
        assertArrayEquals("<think>".getBytes(StandardCharsets.UTF_8), tokenizer.tokenBytes(THINK));
    }

    @Test
    void tokenStringsAreTheVocabularyEntriesAndAddedTokensTheirContent() {
        assertEquals("Hello", tokenizer.tokenString(9707));
        assertEquals("Ġworld", tokenizer.tokenString(1879));
        assertEquals("Ċ", tokenizer.tokenString(198));
        assertEquals("<｜begin▁of▁sentence｜>", tokenizer.tokenString(BOS));
        assertEquals("</think>", tokenizer.tokenString(END_THINK));
    }

    @Test
    void theModelsPaddingRowsAndNegativeIdsHaveNoTokenString() {
        assertNull(tokenizer.tokenString(R1DistillVocabulary.SIZE));
        assertNull(tokenizer.tokenString(151_935));
        assertNull(tokenizer.tokenString(-1));
    }

    /**
     * Inputs and ids from llama.cpp's tokenizer test for Qwen2 ({@code models/ggml-vocab-qwen2.gguf.inp}
     * and {@code .out}, written by Hugging Face's tokenizer): white space runs, contractions, emoji,
     * Cyrillic, Khmer and mixed scripts.
     */
    @ParameterizedTest
    @MethodSource("llamaCppQwen2Cases")
    void trickyTextGetsHuggingFacesQwen2Ids(String text, int[] ids) {
        assertArrayEquals(ids, tokenizer.encode(text, false));
        assertEquals(text, tokenizer.decode(ids, false));
    }

    static Stream<Arguments> llamaCppQwen2Cases() {
        return Stream.of(
                Arguments.of("ied 4 ½ months", new int[] {1122, 220, 19, 220, 26062, 3951}),
                Arguments.of("Äpfel", new int[] {86975, 15897, 301}),
                Arguments.of("   ", new int[] {262}),
                Arguments.of("\n\n\n", new int[] {1406}),
                Arguments.of("\t\n", new int[] {1572}),
                Arguments.of("   Hello", new int[] {256, 21927}),
                Arguments.of("    Hello\n    Hello", new int[] {262, 21927, 198, 262, 21927}),
                Arguments.of("\n =", new int[] {198, 284}),
                Arguments.of("' era", new int[] {6, 11385}),
                Arguments.of(" this is 🦙.cpp", new int[] {419, 374, 11162, 99, 247, 13, 10821}),
                Arguments.of("w048 7tuijk dsdfhu", new int[] {86, 15, 19, 23, 220, 22, 83, 1963, 41808, 11472, 2940,
                        16739}),
                Arguments.of("нещо на Български", new int[] {78762, 14144, 1456, 13073, 63471, 33594, 3038, 133178,
                        79012}),
                Arguments.of("កាន់តែពិសេសអាចខលចេញ", new int[] {146394, 97529, 241, 44258, 233, 146568, 44258, 224,
                        147603, 20879, 115, 146280, 44258, 223, 146280, 147272, 97529, 227, 147805, 148301, 147270,
                        44258, 223, 146848}),
                Arguments.of("Hello, y'all! How are you 😁 ?我想在apple工作1314151天～", new int[] {9707, 11, 379, 64848, 0,
                        2585, 525, 498, 26525, 223, 937, 104100, 18493, 22377, 99257, 16, 18, 16, 19, 16, 20, 16, 35727,
                        21216}),
                Arguments.of("!!!!!!", new int[] {17085, 2928}),
                Arguments.of("Cửa Việt", new int[] {34, 90063, 128324}),
                Arguments.of(" discards", new int[] {2560, 2347}));
    }
}
