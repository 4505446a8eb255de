package dev.vela.adapters.gpu.tp;

/**
 * Random weights as a pure function of (seed, tensor, element index): uniform values of mean
 * {@code mean} in {@code [mean - halfWidth, mean + halfWidth)}, computed with the same integer
 * hash and the same two rounded fp32 operations in Java and in the {@code fill_hash} kernel, so a
 * GPU generates, on the device, bit for bit the model the CPU reference generates, for any split.
 *
 * @param key the tensor's identity, {@link #keyOf(String)} of its Hugging Face name
 */
public record WeightHash(int seed, int key, float mean, float halfWidth) {

    private static final float UNIT = 1.0f / 16777216.0f;

    /** A stable key for a tensor name ({@code String.hashCode}, specified by the JLS). */
    public static int keyOf(String tensorName) {
        return tensorName.hashCode();
    }

    /** The value of element {@code index} (row-major in the source tensor), before rounding to a storage type. */
    public float value(long index) {
        int x = mix(seed ^ mix(key));
        x = mix(x ^ (int) index);
        x = mix(x ^ (int) (index >>> 32));
        float unit = (x >>> 8) * UNIT;
        float symmetric = unit * 2.0f - 1.0f;
        return mean + symmetric * halfWidth;
    }

    /** MurmurHash3's 32-bit finaliser. */
    static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85EBCA6B;
        h ^= h >>> 13;
        h *= 0xC2B2AE35;
        h ^= h >>> 16;
        return h;
    }
}
