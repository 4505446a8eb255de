package dev.vela.application.port.out;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * One tensor of a model's weights: its element type, its shape (row-major, outermost first) and
 * its bytes in place (little-endian), typically a slice of a memory-mapped file.
 */
public record WeightTensor(String name, Type type, long[] shape, MemorySegment data) {

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
}
