package dev.vela.application.port.out;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * llama.cpp's Q8_0 and Q4_0 blocks ({@link WeightTensor.Type}), rounded exactly as its reference
 * quantizers ({@code quantize_row_q8_0_ref}, {@code quantize_row_q4_0_ref} in ggml-quants.c) do,
 * so that Vela's quantized weights are the ones a llama.cpp file of the same model holds. Static
 * methods only: the port package holds interfaces, records and enums.
 */
public interface BlockQuantizer {

    /** Elements per block. */
    int BLOCK = 32;
    /** A block's fp16 scale, its first two bytes. */
    ValueLayout.OfShort SCALE = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Quantizes {@code x[from, from + 32)} into one {@code type} block at {@code out[at]}. The
     * scale is computed in float, the quants are {@code x * (1 / d)} rounded (as llama.cpp
     * multiplies by the inverse rather than dividing), and the fp16 scale stored is {@code d}
     * rounded to nearest.
     */
    static void quantize(WeightTensor.Type type, float[] x, int from, MemorySegment out, long at) {
        switch (type) {
            case Q8_0 -> {
                float amax = 0f;
                for (int j = 0; j < BLOCK; j++) {
                    amax = Math.max(amax, Math.abs(x[from + j]));
                }
                float d = amax / 127;
                float id = d != 0f ? 1f / d : 0f;
                out.set(SCALE, at, Float.floatToFloat16(d));
                for (int j = 0; j < BLOCK; j++) {
                    out.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) roundHalfAway(x[from + j] * id));
                }
            }
            case Q4_0 -> {
                float amax = 0f;
                float max = 0f;
                for (int j = 0; j < BLOCK; j++) {
                    float v = x[from + j];
                    if (amax < Math.abs(v)) {
                        amax = Math.abs(v);
                        max = v;
                    }
                }
                float d = max / -8;
                float id = d != 0f ? 1f / d : 0f;
                out.set(SCALE, at, Float.floatToFloat16(d));
                for (int j = 0; j < BLOCK / 2; j++) {
                    int low = Math.min(15, (byte) (int) (x[from + j] * id + 8.5f));
                    int high = Math.min(15, (byte) (int) (x[from + BLOCK / 2 + j] * id + 8.5f));
                    out.set(ValueLayout.JAVA_BYTE, at + 2 + j, (byte) (low | high << 4));
                }
            }
            default -> throw new IllegalArgumentException(type + " is not a block type");
        }
    }

    /** C's {@code roundf}: halves away from zero (Java's {@link Math#round} takes them up). */
    private static int roundHalfAway(float v) {
        return (int) Math.copySign(Math.floor(Math.abs((double) v) + 0.5), v);
    }

    /** The block's scale {@code d} as a float (exact: every fp16 is a float). */
    static float scale(MemorySegment blocks, long blockAt) {
        return Float.float16ToFloat(blocks.get(SCALE, blockAt));
    }

    /** The {@code j}-th quant of the block at {@code blockAt}, as the integer {@code d} multiplies. */
    static int quant(WeightTensor.Type type, MemorySegment blocks, long blockAt, int j) {
        return switch (type) {
            case Q8_0 -> blocks.get(ValueLayout.JAVA_BYTE, blockAt + 2 + j);
            case Q4_0 -> {
                int b = blocks.get(ValueLayout.JAVA_BYTE, blockAt + 2 + j % (BLOCK / 2));
                yield (j < BLOCK / 2 ? b & 0xF : b >> 4 & 0xF) - 8;
            }
            default -> throw new IllegalArgumentException(type + " is not a block type");
        };
    }

    /** Element {@code index} (row-major over whole blocks) of {@code type} blocks, dequantized. */
    static float dequantize(WeightTensor.Type type, MemorySegment blocks, long index) {
        long blockAt = index / BLOCK * type.blockBytes();
        return scale(blocks, blockAt) * quant(type, blocks, blockAt, (int) (index % BLOCK));
    }
}
