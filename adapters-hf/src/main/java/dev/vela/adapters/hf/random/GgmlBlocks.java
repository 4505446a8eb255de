package dev.vela.adapters.hf.random;

import java.nio.ByteBuffer;

/**
 * Quantizes 32 floats into one Q8_0 or Q4_0 block the way ggml's reference quantizers
 * ({@code quantize_row_q8_0_ref}, {@code quantize_row_q4_0_ref}) do, rounding included, so a
 * file written here holds the blocks llama.cpp's converter would write for the same weights.
 */
public final class GgmlBlocks {

    /** Weights per block. */
    public static final int BLOCK = 32;

    private GgmlBlocks() {
    }

    /** Appends the Q8_0 block of {@code x[at, at + 32)} to {@code out} (little-endian): the scale, then 32 bytes. */
    public static void q8_0(float[] x, int at, ByteBuffer out) {
        float amax = 0;
        for (int j = 0; j < BLOCK; j++) {
            amax = Math.max(amax, Math.abs(x[at + j]));
        }
        float d = amax / 127;
        float id = d != 0 ? 1 / d : 0;
        out.putShort(Float.floatToFloat16(d));
        for (int j = 0; j < BLOCK; j++) {
            out.put((byte) roundHalfAwayFromZero(x[at + j] * id));
        }
    }

    /**
     * Appends the Q4_0 block of {@code x[at, at + 32)} to {@code out}: the scale, then 16 bytes
     * whose byte {@code j} holds element {@code j} in its low nibble and {@code j + 16} in its high one.
     */
    public static void q4_0(float[] x, int at, ByteBuffer out) {
        float amax = 0;
        float max = 0;
        for (int j = 0; j < BLOCK; j++) {
            float v = x[at + j];
            if (amax < Math.abs(v)) {
                amax = Math.abs(v);
                max = v;
            }
        }
        float d = max / -8;
        float id = d != 0 ? 1 / d : 0;
        out.putShort(Float.floatToFloat16(d));
        for (int j = 0; j < BLOCK / 2; j++) {
            int low = Math.min(15, (int) (x[at + j] * id + 8.5f));
            int high = Math.min(15, (int) (x[at + BLOCK / 2 + j] * id + 8.5f));
            out.put((byte) (low | high << 4));
        }
    }

    /** C's {@code roundf}: halves go away from zero (Java's {@link Math#round} sends them up). */
    private static int roundHalfAwayFromZero(float v) {
        return (int) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }
}
