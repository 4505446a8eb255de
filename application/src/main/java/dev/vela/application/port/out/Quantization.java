package dev.vela.application.port.out;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How a runner stores the weights it packs: as the model stores them, or quantized to llama.cpp's blocks (vLLM's {@code --quantization}). */
public enum Quantization {
    NONE(null), Q8_0(WeightTensor.Type.Q8_0), Q4_0(WeightTensor.Type.Q4_0);

    private final WeightTensor.Type blockType;

    Quantization(WeightTensor.Type blockType) {
        this.blockType = blockType;
    }

    /** The block type matrices are quantized to; for {@link #NONE}, {@code stored}. */
    public WeightTensor.Type packedType(WeightTensor.Type stored) {
        return blockType == null ? stored : blockType;
    }

    /** The name on the command line and in answers: {@code q8_0}, {@code q4_0}, {@code none}. */
    public String flagValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The quantization named {@code value} on the command line ({@code none} or empty for none). */
    public static Quantization of(String value) {
        String name = value == null || value.isBlank() ? "none" : value.strip().toLowerCase(Locale.ROOT);
        for (Quantization quantization : values()) {
            if (quantization.flagValue().equals(name)) {
                return quantization;
            }
        }
        throw new IllegalArgumentException("--quantization must be one of "
                + Arrays.stream(values()).map(Quantization::flagValue).collect(Collectors.joining(", ")) + ", not " + value);
    }

    /** The quantization of matrices packed as {@code type}. */
    public static Quantization of(WeightTensor.Type type) {
        return switch (type) {
            case Q8_0 -> Q8_0;
            case Q4_0 -> Q4_0;
            default -> NONE;
        };
    }
}
