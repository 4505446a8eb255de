package dev.vela.application.port.out;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WeightTensorTest {

    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat FLOAT = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final float[] VALUES = {1f, -2.5f, 0f, -0f, 3.140625f, Float.POSITIVE_INFINITY, 1e-38f, 65504f};

    @Test
    void aBfloat16IsTheUpperHalfOfAFloat() {
        for (float value : VALUES) {
            short bits = (short) (Float.floatToRawIntBits(value) >>> 16);
            assertEquals(Float.floatToRawIntBits(value) & 0xFFFF0000, Float.floatToRawIntBits(WeightTensor.bfloat16ToFloat(bits)));
        }
    }

    @Test
    void elementsReadOneByOneOrCopiedAreTheSameFloatsInEveryType() {
        try (Arena arena = Arena.ofConfined()) {
            for (WeightTensor.Type type : WeightTensor.Type.values()) {
                if (type.quantized()) {
                    continue;
                }
                MemorySegment data = arena.allocate(type.bytesOf(VALUES.length));
                for (int i = 0; i < VALUES.length; i++) {
                    switch (type) {
                        case F32 -> data.setAtIndex(FLOAT, i, VALUES[i]);
                        case BF16 -> data.setAtIndex(SHORT, i, (short) (Float.floatToRawIntBits(VALUES[i]) >>> 16));
                        case F16 -> data.setAtIndex(SHORT, i, Float.floatToFloat16(VALUES[i]));
                    }
                }
                WeightTensor tensor = new WeightTensor("t", type, new long[] {2, VALUES.length / 2}, data);
                float[] one = new float[VALUES.length - 1];
                for (int i = 1; i < VALUES.length; i++) {
                    one[i - 1] = tensor.floatAt(i);
                }
                float[] copied = new float[VALUES.length + 1];
                tensor.copyFloats(1, VALUES.length - 1, copied, 2);
                assertArrayEquals(one, Arrays.copyOfRange(copied, 2, VALUES.length + 1), type.name());
                if (type == WeightTensor.Type.F32) {
                    assertArrayEquals(Arrays.copyOfRange(VALUES, 1, VALUES.length), one);
                }
            }
        }
    }
}
