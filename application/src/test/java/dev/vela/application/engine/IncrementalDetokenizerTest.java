package dev.vela.application.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class IncrementalDetokenizerTest {

    private final IncrementalDetokenizer detokenizer = new IncrementalDetokenizer(new ByteTokenizer(), true);

    @Test
    void aThreeByteCharacterAppearsOnlyWhenComplete() {
        int[] bytes = ByteTokenizer.ids("中");
        assertEquals(0, detokenizer.add(bytes[0]));
        assertEquals(0, detokenizer.add(bytes[1]));
        assertEquals(1, detokenizer.add(bytes[2]));
        assertEquals("中", detokenizer.text().toString());
    }

    @Test
    void bytesThatCanNeverFormACharacterBecomeReplacementCharacters() {
        detokenizer.add(0xE4);
        detokenizer.add('A');
        assertEquals("\uFFFDA", detokenizer.text().toString());
    }

    @Test
    void anUnfinishedCharacterAtTheEndIsFlushedAsReplacement() {
        detokenizer.add('x');
        detokenizer.add(0xE4);
        detokenizer.flush();
        assertEquals("x\uFFFD", detokenizer.text().toString());
    }

    @Test
    void specialTokensAreSkippedWhenAsked() {
        detokenizer.add(ByteTokenizer.EOS);
        detokenizer.add(ByteTokenizer.THINK);
        assertEquals("<think>", detokenizer.text().toString(), "only special tokens are skipped");
    }

    @Test
    void specialTokensAreShownWhenNotSkipped() {
        IncrementalDetokenizer keeping = new IncrementalDetokenizer(new ByteTokenizer(), false);
        keeping.add(ByteTokenizer.EOS);
        assertEquals("<eos>", keeping.text().toString());
    }

    @Test
    void fourByteEmojiSplitAcrossTokensIsWhole() {
        for (int id : ByteTokenizer.ids("a😀b")) {
            detokenizer.add(id);
        }
        assertEquals("a😀b", detokenizer.text().toString());
    }
}
