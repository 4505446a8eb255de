package dev.vela.adapters.hf;

import dev.vela.application.port.out.WeightTensor;
import java.util.Optional;

/**
 * The ggml element types Vela reads and writes in GGUF files, with their numbers in ggml's
 * {@code ggml_type}, their blocks (a float type is a block of one element) and the
 * {@code general.file_type} ({@code llama_ftype}) of a model whose matrices are all of it.
 */
public enum GgmlType {
    F32(0, WeightTensor.Type.F32, 0),
    F16(1, WeightTensor.Type.F16, 1),
    Q4_0(2, WeightTensor.Type.Q4_0, 2),
    Q8_0(8, WeightTensor.Type.Q8_0, 7),
    BF16(30, WeightTensor.Type.BF16, 32);

    private final int id;
    private final WeightTensor.Type weightType;
    private final int fileType;

    GgmlType(int id, WeightTensor.Type weightType, int fileType) {
        this.id = id;
        this.weightType = weightType;
        this.fileType = fileType;
    }

    /** The type ggml numbers {@code id}, if Vela reads it. */
    public static Optional<GgmlType> ofId(int id) {
        for (GgmlType type : values()) {
            if (type.id == id) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** The number ggml gives the type. */
    public int id() {
        return id;
    }

    /** The same element type as the weights port names it. */
    public WeightTensor.Type weightType() {
        return weightType;
    }

    /** Elements per block. */
    public int blockElements() {
        return weightType.blockElements();
    }

    /** Bytes per block. */
    public int blockBytes() {
        return weightType.blockBytes();
    }

    /** Bytes {@code elements} elements take (whole blocks for the block types). */
    public long bytesOf(long elements) {
        return weightType.bytesOf(elements);
    }

    /** {@code general.file_type} of a model whose matrices are of this type. */
    public int fileType() {
        return fileType;
    }
}
