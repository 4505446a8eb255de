package dev.vela.adapters.cpu;

/**
 * The inputs of a matrix product: one row of {@code width} floats per token, and on demand the
 * same rows with their even columns first and their odd columns after (what the bfloat16 kernels
 * read). Buffers grow to the largest batch seen and are reused.
 */
final class Activations {

    private final int width;
    private float[] plain = new float[0];
    private float[] split = new float[0];
    private int tokens;
    private boolean splitReady;

    Activations(int width) {
        this.width = width;
    }

    int width() {
        return width;
    }

    /** Makes room for {@code tokens} rows; their contents are to be written through {@link #plain()}. */
    float[] reset(int tokens) {
        this.tokens = tokens;
        if (plain.length < tokens * width) {
            plain = new float[tokens * width];
        }
        splitReady = false;
        return plain;
    }

    float[] plain() {
        return plain;
    }

    /** The rows split into even then odd columns, as {@link #prepareSplit} left them. */
    float[] split() {
        if (!splitReady) {
            throw new IllegalStateException("prepareSplit() before a bfloat16 product");
        }
        return split;
    }

    /** Computes {@link #split()} from the rows; once per {@link #reset}, before work is shared out. */
    void prepareSplit() {
        if (!splitReady) {
            if (split.length < plain.length) {
                split = new float[plain.length];
            }
            int half = width / 2;
            for (int t = 0; t < tokens; t++) {
                int base = t * width;
                for (int i = 0; i < half; i++) {
                    split[base + i] = plain[base + 2 * i];
                    split[base + half + i] = plain[base + 2 * i + 1];
                }
            }
            splitReady = true;
        }
    }
}
