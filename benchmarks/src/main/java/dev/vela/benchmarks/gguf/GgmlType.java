package dev.vela.benchmarks.gguf;

import dev.vela.application.port.out.WeightTensor;

/**
 * The ggml element types a GGUF tensor is written in, with their numbers in ggml's {@code ggml_type}
 * and the {@code general.file_type} ({@code llama_ftype}) of a model whose matrices are all of it.
 */
public enum GgmlType {
    F32(0, WeightTensor.Type.F32, 0),
    BF16(30, WeightTensor.Type.BF16, 32),
    Q8_0(8, WeightTensor.Type.Q8_0, 7),
    Q4_0(2, WeightTensor.Type.Q4_0, 2);

    private final int id;
    private final WeightTensor.Type type;
    private final int fileType;

    GgmlType(int id, WeightTensor.Type type, int fileType) {
        this.id = id;
        this.type = type;
        this.fileType = fileType;
    }

    /** The same elements as Vela's weights hold them. */
    public WeightTensor.Type weightType() {
        return type;
    }

    /** The number ggml gives the type. */
    public int id() {
        return id;
    }

    /** Bytes {@code elements} elements take (whole blocks for the quantized types). */
    public long bytesOf(long elements) {
        return type.bytesOf(elements);
    }

    /** {@code general.file_type} of a model whose matrices are of this type. */
    public int fileType() {
        return fileType;
    }
}
