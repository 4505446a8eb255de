package dev.vela.adapters.gpu.tp;

import dev.vela.application.port.out.WeightTensor;

/** How a backend stores the elements of a {@link Tensor}. */
public enum ElementType {
    F32(4), BF16(2), F16(2), I32(4);

    private final int bytes;

    ElementType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }

    /** Rounds {@code value} to what this type stores (round to nearest even), back as a float. */
    public float round(float value) {
        return switch (this) {
            case F32, I32 -> value;
            case BF16 -> WeightTensor.bfloat16ToFloat(floatToBfloat16(value));
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(value));
        };
    }

    /** The 16 bits of {@code value} rounded to bfloat16, to nearest even (NaN stays NaN). */
    public static short floatToBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        return (short) ((bits + 0x7FFF + ((bits >>> 16) & 1)) >>> 16);
    }
}
