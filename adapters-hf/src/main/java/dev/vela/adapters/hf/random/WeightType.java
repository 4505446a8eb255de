package dev.vela.adapters.hf.random;

/** How a written model stores its weights. */
public enum WeightType {
    FLOAT32("F32", "float32", 4),
    BFLOAT16("BF16", "bfloat16", 2);

    private final String safetensorsName;
    private final String torchName;
    private final int bytes;

    WeightType(String safetensorsName, String torchName, int bytes) {
        this.safetensorsName = safetensorsName;
        this.torchName = torchName;
        this.bytes = bytes;
    }

    /** The dtype as a safetensors header names it ({@code F32}, {@code BF16}). */
    public String safetensorsName() {
        return safetensorsName;
    }

    /** The dtype as {@code config.json}'s {@code torch_dtype} names it. */
    public String torchName() {
        return torchName;
    }

    public int bytes() {
        return bytes;
    }

    public static WeightType ofTorchName(String name) {
        for (WeightType type : values()) {
            if (type.torchName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unsupported weight type: " + name);
    }

    /** Rounds a float to bfloat16 (round to nearest even) and returns its 16 bits. */
    public static short toBfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if (Float.isNaN(value)) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int rounding = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + rounding) >>> 16);
    }
}
