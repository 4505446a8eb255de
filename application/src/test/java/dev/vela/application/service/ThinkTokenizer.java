package dev.vela.application.service;

import dev.vela.application.port.out.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A test tokenizer where, as in DeepSeek-R1-Distill's, {@code <think>} and {@code </think>} are
 * single tokens that are not special: ids 0-255 are bytes, 256 is EOS (special), 257 {@code <think>}
 * and 258 {@code </think>}.
 */
final class ThinkTokenizer implements Tokenizer {

    static final int EOS = 256;
    static final int THINK = 257;
    static final int END_THINK = 258;
    static final int SIZE = 259;
    private static final String[] MARKERS = {"<think>", "</think>"};

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        List<Integer> ids = new ArrayList<>();
        int at = 0;
        outer:
        while (at < text.length()) {
            for (int m = 0; m < MARKERS.length; m++) {
                if (text.startsWith(MARKERS[m], at)) {
                    ids.add(THINK + m);
                    at += MARKERS[m].length();
                    continue outer;
                }
            }
            int codePoint = text.codePointAt(at);
            for (byte b : Character.toString(codePoint).getBytes(StandardCharsets.UTF_8)) {
                ids.add(b & 0xFF);
            }
            at += Character.charCount(codePoint);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int id : ids) {
            if (!(skipSpecialTokens && isSpecial(id))) {
                out.writeBytes(tokenBytes(id));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] tokenBytes(int id) {
        if (id >= 0 && id < 256) {
            return new byte[] {(byte) id};
        }
        String string = tokenString(id);
        return string == null ? new byte[0] : string.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String tokenString(int id) {
        return switch (id) {
            case EOS -> "<eos>";
            case THINK -> MARKERS[0];
            case END_THINK -> MARKERS[1];
            default -> id >= 0 && id < 256 ? String.valueOf((char) id) : null;
        };
    }

    @Override
    public boolean isSpecial(int id) {
        return id == EOS;
    }

    @Override
    public int size() {
        return SIZE;
    }
}
