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
 * {@code d * (q - 8)} ({@link BlockQuantizer} writes them as llama.cpp rounds).
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
            case Q8_0, Q4_0 -> BlockQuantizer.dequantize(type, data, index);
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
                    into[at + i] = BlockQuantizer.dequantize(type, data, first + i);
                }
            }
        }
    }

    /** The float whose upper sixteen bits {@code bits} are: bfloat16 is float32 with its lower half cut off. */
    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }
}
