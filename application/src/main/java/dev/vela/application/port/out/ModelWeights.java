package dev.vela.application.port.out;

import java.util.Optional;
import java.util.Set;

/**
 * The weights of a model by tensor name (Hugging Face names such as
 * {@code model.layers.0.self_attn.q_proj.weight}), readable in place: runners copy or compute from
 * them without a copy on the Java heap.
 */
public interface ModelWeights extends AutoCloseable {

    /**
     * The tensor called {@code name}.
     *
     * @throws IllegalArgumentException when the model has no such tensor
     */
    WeightTensor tensor(String name);

    boolean contains(String name);

    Set<String> names();

    /**
     * Where the bytes of tensor {@code name} come from, as a text that changes when they may have
     * (a file's path, size, modification time and the tensor's offset in it), for caches derived
     * from the weights; empty when the weights cannot say, and a cache must then look at the bytes.
     */
    default Optional<String> origin(String name) {
        return Optional.empty();
    }

    /** Unmaps the files; tensors handed out before must not be used after. */
    @Override
    void close();
}
