package dev.vela.adapters.cpu;

/**
 * The inputs of a matrix product: one row of {@code width} floats per token. The buffer grows to
 * the largest batch seen and is reused.
 */
final class Activations {

    private final int width;
    private float[] plain = new float[0];

    Activations(int width) {
        this.width = width;
    }

    /** Makes room for {@code tokens} rows; their contents are to be written through {@link #plain()}. */
    float[] reset(int tokens) {
        if (plain.length < tokens * width) {
            plain = new float[tokens * width];
        }
        return plain;
    }

    float[] plain() {
        return plain;
    }
}
