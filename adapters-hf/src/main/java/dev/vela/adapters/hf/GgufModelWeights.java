package dev.vela.adapters.hf;

import dev.vela.application.port.out.WeightTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors of a Qwen2 GGUF file under their Hugging Face names, shaped outermost first, read in
 * place from the mapped file. Tensors of other names (none in llama.cpp's qwen2 files) are not
 * offered.
 */
public final class GgufModelWeights extends MappedModelWeights {

    private final GgufFile file;

    private GgufModelWeights(GgufFile file, Map<String, WeightTensor> tensors, Map<String, String> origins) {
        super(tensors, origins);
        this.file = file;
    }

    /** Maps {@code path} and checks its header. */
    public static GgufModelWeights open(Path path) {
        GgufFile file = GgufFile.open(path);
        try {
            String origin = path.toRealPath() + "|" + file.size() + "|" + Files.getLastModifiedTime(path).toMillis();
            Map<String, WeightTensor> tensors = new LinkedHashMap<>();
            Map<String, String> origins = new HashMap<>();
            for (GgufFile.TensorInfo info : file.tensors().values()) {
                Qwen2GgufNames.huggingFaceName(info.name()).ifPresent(name -> {
                    tensors.put(name, new WeightTensor(name, info.type().weightType(), info.shape(), file.data(info)));
                    origins.put(name, origin + "|" + info.fileOffset());
                });
            }
            return new GgufModelWeights(file, tensors, origins);
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

    @Override
    public void close() {
        file.close();
    }
}
