package dev.vela.benchmarks.gguf;

/**
 * The ggml element types a GGUF tensor is written in, with their numbers in ggml's {@code ggml_type}
 * and the {@code general.file_type} ({@code llama_ftype}) of a model whose matrices are all of it.
 */
public enum GgmlType {
    F32(0, 4, 0),
    BF16(30, 2, 32);

    private final int id;
    private final int bytes;
    private final int fileType;

    GgmlType(int id, int bytes, int fileType) {
        this.id = id;
        this.bytes = bytes;
        this.fileType = fileType;
    }

    /** The number ggml gives the type. */
    public int id() {
        return id;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** {@code general.file_type} of a model whose matrices are of this type. */
    public int fileType() {
        return fileType;
    }
}
