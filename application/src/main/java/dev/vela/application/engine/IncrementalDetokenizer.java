package dev.vela.application.engine;

import dev.vela.application.port.out.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Turns generated token ids into text one token at a time without ever splitting a UTF-8
 * character: bytes of a character that is not complete yet wait for the next token. Bytes that can
 * never form a character become U+FFFD, as the tokenizer's own decoder would render them.
 */
final class IncrementalDetokenizer {

    private final Tokenizer tokenizer;
    private final boolean skipSpecialTokens;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final StringBuilder text = new StringBuilder();
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);

    IncrementalDetokenizer(Tokenizer tokenizer, boolean skipSpecialTokens) {
        this.tokenizer = tokenizer;
        this.skipSpecialTokens = skipSpecialTokens;
    }

    /** Adds one token; returns how many chars the text grew by. */
    int add(int tokenId) {
        if (skipSpecialTokens && tokenizer.isSpecial(tokenId)) {
            return 0;
        }
        pending.writeBytes(tokenizer.tokenBytes(tokenId));
        byte[] bytes = pending.toByteArray();
        int complete = completePrefixLength(bytes);
        if (complete == 0) {
            return 0;
        }
        int before = text.length();
        text.append(decode(bytes, complete));
        pending.reset();
        pending.write(bytes, complete, bytes.length - complete);
        return text.length() - before;
    }

    /** Renders bytes still waiting for the rest of their character (the sequence has ended). */
    int flush() {
        if (pending.size() == 0) {
            return 0;
        }
        byte[] bytes = pending.toByteArray();
        pending.reset();
        int before = text.length();
        text.append(decode(bytes, bytes.length));
        return text.length() - before;
    }

    /** All text decoded so far. */
    StringBuilder text() {
        return text;
    }

    private String decode(byte[] bytes, int length) {
        try {
            decoder.reset();
            CharBuffer chars = decoder.decode(ByteBuffer.wrap(bytes, 0, length));
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing UTF-8 decoder cannot fail", e);
        }
    }

    /**
     * Length of the longest prefix that does not end inside a character which later bytes could
     * still complete.
     */
    static int completePrefixLength(byte[] bytes) {
        int n = bytes.length;
        for (int back = 1; back <= Math.min(3, n); back++) {
            int b = bytes[n - back] & 0xFF;
            if (b < 0x80) {
                return n;                       // ASCII ends the buffer: everything is complete
            }
            if (b >= 0xC0) {                    // a lead byte: does its character fit?
                int needed = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
                return back >= needed ? n : n - back;
            }
        }
        return n;                               // only continuation bytes: invalid, render them now
    }
}
