package dev.vela.application.port.out;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One tensor of a model's weights: its element type, its shape (row-major, outermost first) and
 * its bytes in place (little-endian), typically a slice of a memory-mapped file.
 *
 * <p>The quantized types are llama.cpp's blocks of 32 consecutive elements of a row (the innermost
 * dimension is a whole number of blocks), each block an fp16 scale {@code d} then its quants:
 * {@link Type#Q8_0} 32 signed bytes, element {@code d * q}; {@link Type#Q4_0} 16 bytes, byte
 * {@code j} holding element {@code j} in its low nibble and {@code j + 16} in its high one, element
 * {@code d * (q - 8)} ({@link #quantizeBlock} writes them as llama.cpp rounds).
 */
public record WeightTensor(String name, Type type, long[] shape, MemorySegment data) {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Element types of stored weights: one element, or one block of {@link #blockElements} elements, per {@link #blockBytes} bytes. */
    public enum Type {
        F32(1, 4), BF16(1, 2), F16(1, 2), Q8_0(32, 34), Q4_0(32, 18);

        private final int blockElements;
        private final int blockBytes;

        Type(int blockElements, int blockBytes) {
            this.blockElements = blockElements;
            this.blockBytes = blockBytes;
        }

        public int blockElements() {
            return blockElements;
        }

        public int blockBytes() {
            return blockBytes;
        }

        /** Whether elements come in blocks sharing a scale. */
        public boolean quantized() {
            return blockElements > 1;
        }

        /** The bytes {@code elements} elements take (a whole number of blocks). */
        public long bytesOf(long elements) {
            return elements / blockElements * blockBytes;
        }
    }

    public WeightTensor {
        shape = shape.clone();
        if (type.quantized() && (shape.length == 0 || shape[shape.length - 1] % type.blockElements() != 0)) {
            throw new IllegalArgumentException(name + ": a " + type + " tensor's rows are whole blocks of "
                    + type.blockElements() + " elements, not " + Arrays.toString(shape));
        }
        if (data.byteSize() != type.bytesOf(elements(shape))) {
            throw new IllegalArgumentException(name + ": " + data.byteSize() + " bytes do not hold a "
                    + type + " tensor of shape " + Arrays.toString(shape));
        }
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    /** The size of dimension {@code i}. */
    public long dim(int i) {
        return shape[i];
    }

    public int rank() {
        return shape.length;
    }

    public long elements() {
        return elements(shape);
    }

    private static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Element {@code index} (row-major) as a float. */
    public float floatAt(long index) {
        return switch (type) {
            case F32 -> data.getAtIndex(FLOAT, index);
            case BF16 -> bfloat16ToFloat(data.getAtIndex(SHORT, index));
            case F16 -> Float.float16ToFloat(data.getAtIndex(SHORT, index));
            case Q8_0, Q4_0 -> dequantizeBlocks(type, data, index);
        };
    }

    /** Elements {@code [first, first + n)} as floats into {@code into} from {@code at} (an embedding row, a norm). */
    public void copyFloats(long first, int n, float[] into, int at) {
        switch (type) {
            case F32 -> MemorySegment.copy(data, FLOAT, 4 * first, into, at, n);
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    into[at + i] = bfloat16ToFloat(data.get(SHORT, 2 * (first + i)));
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    into[at + i] = Float.float16ToFloat(data.get(SHORT, 2 * (first + i)));
                }
            }
            case Q8_0, Q4_0 -> {
                for (int i = 0; i < n; i++) {
                    into[at + i] = dequantizeBlocks(type, data, first + i);
                }
            }
        }
    }

    /** The float whose upper sixteen bits {@code bits} are: bfloat16 is float32 with its lower half cut off. */
    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }

    /** Elements per block of the quantized types. */
    public static final int BLOCK = 32;
    /**
     * Quantizes {@code x[from, from + 32)} into one {@code type} block at {@code out[at]}, rounded
     * exactly as llama.cpp's reference quantizers ({@code quantize_row_q8_0_ref},
     * {@code quantize_row_q4_0_ref} in ggml-quants.c) do, so that Vela's quantized weights are the
     * ones a llama.cpp file of the same model holds. The
     * scale is computed in float, the quants are {@code x * (1 / d)} rounded (as llama.cpp
     * multiplies by the inverse rather than dividing), and the fp16 scale stored is {@code d}
     * rounded to nearest.
     */
    public static void quantizeBlock(WeightTensor.Type type, float[] x, int from, MemorySegment out, long at) {
        switch (type) {
            case Q8_0 -> {
                float amax = 0f;
                for (int j = 0; j < BLOCK; j++) {
                    amax = Math.max(amax, Math.abs(x[from + j]));
                }
                float d = amax / 127;
                float id = d != 0f ? 1f / d : 0f;
                out.set(SHORT, at, Float.floatToFloat16(d));
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
                out.set(SHORT, at, Float.floatToFloat16(d));
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
    public static float blockScale(MemorySegment blocks, long blockAt) {
        return Float.float16ToFloat(blocks.get(SHORT, blockAt));
    }

    /** The {@code j}-th quant of the block at {@code blockAt}, as the integer {@code d} multiplies. */
    public static int blockQuant(WeightTensor.Type type, MemorySegment blocks, long blockAt, int j) {
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
    public static float dequantizeBlocks(WeightTensor.Type type, MemorySegment blocks, long index) {
        long blockAt = index / BLOCK * type.blockBytes();
        return blockScale(blocks, blockAt) * blockQuant(type, blocks, blockAt, (int) (index % BLOCK));
    }
}
