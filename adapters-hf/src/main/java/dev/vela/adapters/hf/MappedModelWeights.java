package dev.vela.adapters.hf;

import dev.vela.application.port.out.ModelWeights;
import dev.vela.application.port.out.WeightTensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Tensors read in place from memory-mapped files, by Hugging Face name, each with where its bytes come from. */
abstract class MappedModelWeights implements ModelWeights {

    private final Map<String, WeightTensor> tensors;
    private final Map<String, String> origins;

    /**
     * @param origins each tensor's file (real path, size, modification time) and offset in it
     */
    MappedModelWeights(Map<String, WeightTensor> tensors, Map<String, String> origins) {
        this.tensors = Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        this.origins = Map.copyOf(origins);
    }

    /** The file's real path, size and modification time, and the tensor's offset in it. */
    @Override
    public final Optional<String> origin(String name) {
        return Optional.ofNullable(origins.get(name));
    }

    @Override
    public final WeightTensor tensor(String name) {
        WeightTensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("the model has no tensor " + name);
        }
        return tensor;
    }

    @Override
    public final boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public final Set<String> names() {
        return tensors.keySet();
    }
}
