package dev.vela.adapters.hf.random;

import dev.vela.adapters.hf.GgmlType;
import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.Qwen2GgufNames;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.application.port.out.Qwen2Tensor;
import dev.vela.application.port.out.WeightTensor;
import dev.vela.domain.model.ModelConfig;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Writes a Hugging Face Qwen2 model directory as the GGUF file llama.cpp loads for its {@code qwen2}
 * architecture: the model's shape, its tokenizer ({@code gpt2} vocabulary, {@code qwen2}
 * pre-tokenizer) and its tensors under llama.cpp's names. Matrices are written as the chosen type
 * (Q8_0 and Q4_0 blocks rounded as llama.cpp's quantizers round, by {@link WeightTensor#quantizeBlock});
 * norms and biases stay f32, as llama.cpp's own converter keeps them. A tied lm_head writes no
 * {@code output.weight}: llama.cpp then uses {@code token_embd.weight}.
 */
public final class Qwen2GgufWriter {

    /** Raised with every change that changes the files written, so that cached conversions are written again. */
    public static final int REVISION = 1;

    private static final int CHUNK = 1 << 20;

    private Qwen2GgufWriter() {
    }

    /**
     * Writes the model in {@code modelDir} to {@code file} with its matrices as {@code type}. The
     * file appears whole or not at all: it is written beside its place first and moved there.
     */
    public static void write(Path modelDir, Path file, GgmlType type) throws IOException {
        HfModelDirectory model = HfModelDirectory.open(modelDir);
        ModelConfig config = model.config();
        if (!config.architecture().equals("Qwen2ForCausalLM")) {
            throw new IOException(modelDir + ": its architecture is " + config.architecture()
                    + "; only Qwen2ForCausalLM models are written as GGUF");
        }
        GgufTokenizer tokenizer = GgufTokenizer.read(modelDir, config.vocabSize());
        try (SafetensorsModelWeights weights = SafetensorsModelWeights.open(model.modelFiles())) {
            List<SafetensorsWriter.Tensor> tensors = new ArrayList<>();
            for (String name : weights.names()) {
                WeightTensor tensor = weights.tensor(name);
                tensors.add(new SafetensorsWriter.Tensor(name, tensor.shape(), inOrder(tensor)));
            }
            write(modelName(modelDir), config, tokenizer, tensors, file, type);
        }
    }

    /**
     * Writes a model of shape {@code config} whose tensors (Hugging Face names) produce their values
     * as {@code tensors} says, with the matrices as {@code type}; whole or not at all.
     */
    static void write(String name, ModelConfig config, GgufTokenizer tokenizer, List<SafetensorsWriter.Tensor> tensors,
                      Path file, GgmlType type) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try {
            GgufWriter gguf = new GgufWriter();
            putModel(gguf, name, config, type);
            putTokenizer(gguf, tokenizer);
            for (SafetensorsWriter.Tensor tensor : tensorOrder(tensors, config)) {
                GgmlType stored = tensor.shape().length == 1 ? GgmlType.F32 : matrixType(tensor.name(), config, type);
                gguf.addTensor(Qwen2GgufNames.ggufName(tensor.name()), reversed(tensor.shape()), stored,
                        out -> writeAs(tensor, stored, out));
            }
            gguf.write(partial);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        try {
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The tensor's elements in row-major order, a chunk at a time. */
    private static SafetensorsWriter.Values inOrder(WeightTensor tensor) {
        long[] next = {0};
        return (chunk, count) -> {
            tensor.copyFloats(next[0], count, chunk, 0);
            next[0] += count;
        };
    }

    private static void putModel(GgufWriter gguf, String name, ModelConfig c, GgmlType type) {
        gguf.putString("general.architecture", "qwen2")
                .putString("general.name", name)
                .putUint32("general.alignment", GgufWriter.ALIGNMENT)
                .putUint32("general.file_type", type.fileType())
                .putUint32("qwen2.context_length", c.maxPositionEmbeddings())
                .putUint32("qwen2.embedding_length", c.hiddenSize())
                .putUint32("qwen2.block_count", c.numLayers())
                .putUint32("qwen2.feed_forward_length", c.intermediateSize())
                .putUint32("qwen2.attention.head_count", c.numHeads())
                .putUint32("qwen2.attention.head_count_kv", c.numKvHeads());
        if (c.headDim() * c.numHeads() != c.hiddenSize()) {
            // llama.cpp derives the head size from the embedding length unless these say otherwise.
            gguf.putUint32("qwen2.attention.key_length", c.headDim()).putUint32("qwen2.attention.value_length", c.headDim());
        }
        gguf.putFloat32("qwen2.rope.freq_base", (float) c.ropeTheta())
                .putFloat32("qwen2.attention.layer_norm_rms_epsilon", (float) c.rmsNormEps());
    }

    private static void putTokenizer(GgufWriter gguf, GgufTokenizer t) {
        gguf.putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", "qwen2")
                .putStrings("tokenizer.ggml.tokens", t.tokens())
                .putInt32s("tokenizer.ggml.token_type", t.types())
                .putStrings("tokenizer.ggml.merges", t.merges())
                .putUint32("tokenizer.ggml.bos_token_id", t.bos())
                .putUint32("tokenizer.ggml.eos_token_id", t.eos())
                .putUint32("tokenizer.ggml.padding_token_id", t.padding())
                .putBool("tokenizer.ggml.add_bos_token", t.addBos());
    }

    /** The directory's name, as a Hugging Face checkout names the model. */
    private static String modelName(Path modelDir) {
        Path name = modelDir.toAbsolutePath().normalize().getFileName();
        return name == null ? "model" : name.toString();
    }

    /** The embedding, the layers in order, then the rest; a tied lm_head is left out. */
    private static List<SafetensorsWriter.Tensor> tensorOrder(List<SafetensorsWriter.Tensor> tensors, ModelConfig config) {
        List<SafetensorsWriter.Tensor> ordered = new ArrayList<>();
        for (SafetensorsWriter.Tensor tensor : tensors) {
            if (!(config.tieWordEmbeddings() && tensor.name().equals(Qwen2Tensor.LM_HEAD))) {
                ordered.add(tensor);
            }
        }
        ordered.sort(Comparator.comparingInt((SafetensorsWriter.Tensor t) -> layerOf(t.name()))
                .thenComparing(SafetensorsWriter.Tensor::name));
        return ordered;
    }

    private static int layerOf(String name) {
        return Qwen2Tensor.layerOf(name).orElse(name.equals(Qwen2Tensor.EMBEDDING) ? -1 : Integer.MAX_VALUE);
    }

    private static long[] reversed(long[] shape) {
        long[] dims = new long[shape.length];
        for (int i = 0; i < shape.length; i++) {
            dims[i] = shape[shape.length - 1 - i];
        }
        return dims;
    }

    /**
     * The type a matrix is written in: {@code type}, but the output matrix (the embedding, when tied)
     * of a quantized file at Q8_0, the weights Vela's CPU runner serves at either quantization.
     */
    public static GgmlType matrixType(String name, ModelConfig config, GgmlType type) {
        boolean output = name.equals(Qwen2Tensor.LM_HEAD) || name.equals(Qwen2Tensor.EMBEDDING) && config.tieWordEmbeddings();
        return output && type.weightType().quantized() ? GgmlType.Q8_0 : type;
    }

    /** Converts the tensor's values a chunk of rows at a time. */
    private static void writeAs(SafetensorsWriter.Tensor tensor, GgmlType type, FileChannel out) throws IOException {
        int row = Math.toIntExact(tensor.shape()[tensor.shape().length - 1]);
        int rowsPerChunk = Math.max(1, CHUNK / row);
        long rows = tensor.elements() / row;
        float[] values = new float[rowsPerChunk * row];
        ByteBuffer chunk = ByteBuffer.allocateDirect(Math.toIntExact(type.weightType().bytesOf(values.length)))
                .order(ByteOrder.LITTLE_ENDIAN);
        MemorySegment blocks = MemorySegment.ofBuffer(chunk);
        for (long r = 0; r < rows; r += rowsPerChunk) {
            int n = (int) Math.min(rowsPerChunk, rows - r) * row;
            tensor.values().next(values, n);
            chunk.clear();
            for (int i = 0; i < n; i += type.blockElements()) {
                switch (type) {
                    case F32 -> chunk.putFloat(values[i]);
                    case F16 -> chunk.putShort(Float.floatToFloat16(values[i]));
                    case BF16 -> chunk.putShort(bfloat16(values[i]));
                    case Q8_0, Q4_0 -> {
                        WeightTensor.quantizeBlock(type.weightType(), values, i, blocks, chunk.position());
                        chunk.position(chunk.position() + type.blockBytes());
                    }
                }
            }
            GgufWriter.writeFully(out, chunk.flip());
        }
    }

    /** The tensor quantized row by row into llama.cpp blocks ({@link WeightTensor#quantizeBlock}), a row at a time. */
    private static void writeBlocks(WeightTensor tensor, WeightTensor.Type type, FileChannel out) throws IOException {
        int cols = Math.toIntExact(tensor.dim(tensor.rank() - 1));
        long rows = tensor.elements() / cols;
        float[] row = new float[cols];
        MemorySegment blocks = MemorySegment.ofArray(new byte[(int) type.bytesOf(cols)]);
        for (long r = 0; r < rows; r++) {
            tensor.copyFloats(r * cols, cols, row, 0);
            for (int b = 0; b < cols / WeightTensor.BLOCK; b++) {
                WeightTensor.quantizeBlock(type, row, b * WeightTensor.BLOCK, blocks, (long) b * type.blockBytes());
            }
            GgufWriter.writeFully(out, blocks.asByteBuffer());
        }
    }

    /** Rounds to the nearest bfloat16, ties to even, as ggml's {@code ggml_compute_fp32_to_bf16} does. */
    static short bfloat16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 64);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }
}
