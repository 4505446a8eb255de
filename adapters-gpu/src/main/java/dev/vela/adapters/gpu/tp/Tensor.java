package dev.vela.adapters.gpu.tp;

/** A buffer that one {@link Backend} allocated on its device: a flat array of {@code elements} of {@code type}. */
public interface Tensor {

    ElementType type();

    long elements();

    /** The elements {@code [offset, offset + elements)} of this tensor, sharing its memory. */
    Tensor slice(long offset, long elements);

    default long bytes() {
        return elements() * type().bytes();
    }
}
