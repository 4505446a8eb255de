package dev.vela.application.port.out;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One tensor of a model's weights: its element type, its shape (row-major, outermost first) and
 * its bytes in place (little-endian), typically a slice of a memory-mapped file. Block types
 * ({@link Type#Q8_0}, {@link Type#Q4_0}) store each row as blocks of 32 consecutive elements.
 */
public record WeightTensor(String name, Type type, long[] shape, MemorySegment data) {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Element types of stored weights: floats, or llama.cpp's blocks of 32 weights with one float16
     * scale {@code d} each: Q8_0 holds {@code d} then 32 signed bytes {@code q} (weight {@code d * q});
     * Q4_0 holds {@code d} then 16 bytes whose byte {@code j} has element {@code j} in its low
     * nibble and element {@code j + 16} in its high nibble (weight {@code d * (nibble - 8)}).
     */
    public enum Type {
        F32(1, 4), BF16(1, 2), F16(1, 2), Q8_0(32, 34), Q4_0(32, 18);

        private final int blockElements;
        private final int blockBytes;

        Type(int blockElements, int blockBytes) {
            this.blockElements = blockElements;
            this.blockBytes = blockBytes;
        }

        /** Bytes per element of a float type. */
        public int bytes() {
            if (isBlocked()) {
                throw new IllegalStateException(this + " stores blocks of " + blockElements + " elements, not single elements");
            }
            return blockBytes;
        }

        /** Elements per block; 1 for the float types. */
        public int blockElements() {
            return blockElements;
        }

        public int blockBytes() {
            return blockBytes;
        }

        /** True for the types that store blocks of weights with a scale, not single floats. */
        public boolean isBlocked() {
            return blockElements > 1;
        }

        /** Bytes that hold {@code elements} elements, a whole number of blocks. */
        public long bytesOf(long elements) {
            return elements / blockElements * blockBytes;
        }
    }

    public WeightTensor {
        shape = shape.clone();
        long elements = elements(shape);
        if (shape.length > 0 && shape[shape.length - 1] % type.blockElements() != 0) {
            throw new IllegalArgumentException(name + ": rows of " + shape[shape.length - 1] + " elements are not whole "
                    + type + " blocks of " + type.blockElements());
        }
        if (data.byteSize() != type.bytesOf(elements)) {
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
            case Q8_0, Q4_0 -> blockElement(index);
        };
    }

    /** Element {@code index} of a block type: its block's scale times its quantized value. */
    private float blockElement(long index) {
        long block = index / type.blockElements() * type.blockBytes();
        int within = (int) (index % type.blockElements());
        float scale = Float.float16ToFloat(data.get(SHORT, block));
        if (type == Type.Q8_0) {
            return scale * data.get(ValueLayout.JAVA_BYTE, block + 2 + within);
        }
        int packed = data.get(ValueLayout.JAVA_BYTE, block + 2 + within % 16);
        int nibble = within < 16 ? packed & 0xF : (packed >> 4) & 0xF;
        return scale * (nibble - 8);
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
                    into[at + i] = blockElement(first + i);
                }
            }
        }
    }

    /** The float whose upper sixteen bits {@code bits} are: bfloat16 is float32 with its lower half cut off. */
    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }
}
