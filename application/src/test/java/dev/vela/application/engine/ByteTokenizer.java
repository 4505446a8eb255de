package dev.vela.application.engine;

import dev.vela.application.port.out.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** A test tokenizer: ids 0-255 are bytes, 256 is EOS and 257 BOS (both special), 258 is "<think>". */
final class ByteTokenizer implements Tokenizer {

    static final int EOS = 256;
    static final int BOS = 257;
    static final int THINK = 258;
    static final int SIZE = 259;

    static int[] ids(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xFF;
        }
        return ids;
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        int[] ids = ids(text);
        if (!addSpecialTokens) {
            return ids;
        }
        int[] withBos = new int[ids.length + 1];
        withBos[0] = BOS;
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
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
        return switch (id) {
            case EOS -> "<eos>".getBytes(StandardCharsets.UTF_8);
            case BOS -> "<bos>".getBytes(StandardCharsets.UTF_8);
            case THINK -> "<think>".getBytes(StandardCharsets.UTF_8);
            default -> id >= 0 && id < 256 ? new byte[] {(byte) id} : new byte[0];
        };
    }

    @Override
    public String tokenString(int id) {
        return id >= 0 && id < SIZE ? new String(tokenBytes(id), StandardCharsets.ISO_8859_1) : null;
    }

    @Override
    public boolean isSpecial(int id) {
        return id == EOS || id == BOS;
    }

    @Override
    public int size() {
        return SIZE;
    }
}
