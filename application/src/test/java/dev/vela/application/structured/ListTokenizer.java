package dev.vela.application.structured;

import dev.vela.application.port.out.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A test vocabulary: id 0 is a special end-of-sequence token, the rest are the given byte strings. */
final class ListTokenizer implements Tokenizer {

    static final int EOS = 0;

    private final List<byte[]> tokens = new ArrayList<>();

    ListTokenizer(List<String> texts) {
        tokens.add(new byte[0]);
        for (String text : texts) {
            tokens.add(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Every single byte, then the given strings. */
    static ListTokenizer bytesAnd(List<String> texts) {
        ListTokenizer tokenizer = new ListTokenizer(List.of());
        for (int b = 0; b < 256; b++) {
            tokenizer.tokens.add(new byte[] {(byte) b});
        }
        for (String text : texts) {
            tokenizer.tokens.add(text.getBytes(StandardCharsets.UTF_8));
        }
        return tokenizer;
    }

    int id(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = tokens.size() - 1; i > 0; i--) {
            if (java.util.Arrays.equals(tokens.get(i), bytes)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no token " + text);
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        throw new UnsupportedOperationException();
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            out.writeBytes(tokenBytes(id));
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] tokenBytes(int id) {
        return tokens.get(id).clone();
    }

    @Override
    public String tokenString(int id) {
        return new String(tokens.get(id), StandardCharsets.ISO_8859_1);
    }

    @Override
    public boolean isSpecial(int id) {
        return id == EOS;
    }

    @Override
    public int size() {
        return tokens.size();
    }
}
