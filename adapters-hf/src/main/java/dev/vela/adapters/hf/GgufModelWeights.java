package dev.vela.adapters.hf;

import dev.vela.application.port.out.ModelWeights;
import dev.vela.application.port.out.WeightTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tensors of a Qwen2 GGUF file under their Hugging Face names, shaped outermost first, read in
 * place from the mapped file. Tensors of other names (none in llama.cpp's qwen2 files) are not
 * offered.
 */
public final class GgufModelWeights implements ModelWeights {

    private final GgufFile file;
    private final Map<String, WeightTensor> tensors;
    private final String fileOrigin;

    private GgufModelWeights(GgufFile file, Map<String, WeightTensor> tensors, String fileOrigin) {
        this.file = file;
        this.tensors = tensors;
        this.fileOrigin = fileOrigin;
    }

    /** Maps {@code path} and checks its header. */
    public static GgufModelWeights open(Path path) {
        GgufFile file = GgufFile.open(path);
        try {
            String origin = path.toRealPath() + "|" + file.size() + "|" + Files.getLastModifiedTime(path).toMillis();
            Map<String, WeightTensor> tensors = new LinkedHashMap<>();
            for (GgufFile.TensorInfo info : file.tensors().values()) {
                Qwen2GgufNames.huggingFaceName(info.name()).ifPresent(name ->
                        tensors.put(name, new WeightTensor(name, info.type().weightType(), info.shape(), file.data(info))));
            }
            return new GgufModelWeights(file, Collections.unmodifiableMap(tensors), origin);
        } catch (IOException e) {
            file.close();
            throw new ModelDirectoryException(file.fileName() + ": cannot be read (" + e.getMessage() + ")", e);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** The file these tensors are read from. */
    public GgufFile file() {
        return file;
    }

    /** The file's real path, size and modification time, and the tensor's offset in it. */
    @Override
    public Optional<String> origin(String name) {
        WeightTensor tensor = tensors.get(name);
        return tensor == null ? Optional.empty()
                : Optional.of(fileOrigin + "|" + file.tensors().get(Qwen2GgufNames.ggufName(name)).fileOffset());
    }

    @Override
    public WeightTensor tensor(String name) {
        WeightTensor tensor = tensors.get(name);
        if (tensor == null) {
            throw new IllegalArgumentException("the model has no tensor " + name);
        }
        return tensor;
    }

    @Override
    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    @Override
    public Set<String> names() {
        return tensors.keySet();
    }

    @Override
    public void close() {
        file.close();
    }
}
