package dev.vela.application.port.out;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One tensor of a model's weights: its element type, its shape (row-major, outermost first) and
 * its bytes in place (little-endian), typically a slice of a memory-mapped file.
 */
public record WeightTensor(String name, Type type, long[] shape, MemorySegment data) {

    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Element types of stored weights. */
    public enum Type {
        F32(4), BF16(2), F16(2);

        private final int bytes;

        Type(int bytes) {
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }
    }

    public WeightTensor {
        shape = shape.clone();
        if (data.byteSize() != elements(shape) * type.bytes()) {
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
        }
    }

    /** The float whose upper sixteen bits {@code bits} are: bfloat16 is float32 with its lower half cut off. */
    public static float bfloat16ToFloat(short bits) {
        return Float.intBitsToFloat(bits << 16);
    }
}
