package dev.vela.adapters.hf.random;

import dev.vela.adapters.hf.GgmlType;
import dev.vela.application.port.out.Qwen2Tensor;
import dev.vela.domain.model.ModelConfig;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.stream.JsonGenerator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Writes a Hugging Face Qwen2 model directory with random weights: {@code config.json},
 * {@code generation_config.json} (DeepSeek-R1-Distill's defaults), {@code model.safetensors},
 * a byte-level BPE {@code tokenizer.json} with R1-Distill's added tokens (a small learned one, or
 * R1-Distill's real one: see {@link TokenizerKind}) and {@code tokenizer_config.json} with
 * R1-Distill's chat template verbatim. The same seed, config and tokenizer always give the same
 * files. Used by tests, benchmarks and the built-in demo model.
 */
public final class RandomModelWriter {

    private static final String RESOURCES = "/dev/vela/adapters/hf/random/";
    /** The name of the GGUF file {@link #writeGguf} writes. */
    public static final String GGUF_FILE = "model.gguf";
    /** Logits come out with about this standard deviation, so greedy choices are clear. */
    private static final double LOGIT_SCALE = 3.0;

    private RandomModelWriter() {
    }

    /** Writes {@code preset} with {@code type} weights and the preset's tokenizer into {@code directory}. */
    public static Path write(ModelPreset preset, WeightType type, long seed, Path directory) {
        return write(preset.config(type), preset.tokenizer(), seed, directory);
    }

    /** Writes a model of shape {@code config} with a {@linkplain TokenizerKind#LEARNED learned} tokenizer. */
    public static Path write(ModelConfig config, long seed, Path directory) {
        return write(config, TokenizerKind.LEARNED, seed, directory);
    }

    /**
     * Writes a model of shape {@code config} (weights stored as {@code config.dtype()}) and its
     * {@code tokenizer} into {@code directory}, which must not exist yet or be empty. Files appear
     * all at once: they are written next to it first and moved into place.
     *
     * @throws IllegalArgumentException if the tokenizer has more ids than {@code config.vocabSize()}
     */
    public static Path write(ModelConfig config, TokenizerKind tokenizer, long seed, Path directory) {
        return write(config, tokenizer, seed, directory, Optional.empty());
    }

    /**
     * Writes the model {@link #write(ModelConfig, TokenizerKind, long, Path)} writes, with the same
     * random weights, as the GGUF file {@value #GGUF_FILE} of {@code type} in {@code directory}
     * (beside the tokenizer and configs, and no safetensors); the weights stream from their random
     * generators into the file, so models far larger than memory are written. Returns the file.
     */
    public static Path writeGguf(ModelConfig config, TokenizerKind tokenizer, long seed, Path directory, GgmlType type) {
        return write(config, tokenizer, seed, directory, Optional.of(type)).resolve(GGUF_FILE);
    }

    private static Path write(ModelConfig config, TokenizerKind tokenizer, long seed, Path directory, Optional<GgmlType> gguf) {
        try {
            Path parent = directory.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path staging = Files.createTempDirectory(parent, directory.getFileName() + ".partial-");
            try {
                writeInto(config, tokenizer, seed, staging, String.valueOf(directory.getFileName()), gguf);
            } catch (IOException | RuntimeException e) {
                delete(staging);
                throw e;
            }
            try {
                Files.move(staging, directory, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(staging, directory);
            }
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("could not write a random model into " + directory, e);
        }
    }

    private static void writeInto(ModelConfig config, TokenizerKind kind, long seed, Path dir, String name,
                                  Optional<GgmlType> gguf) throws IOException {
        TokenizerFiles tokenizer = new TokenizerFiles(switch (kind) {
            case LEARNED -> ByteLevelBpeTrainer.train(resource("bpe-corpus.txt"),
                    Math.max(0, config.vocabSize() - 256 - R1DistillTokens.ALL.size()));
            case R1_DISTILL_QWEN -> R1DistillVocabulary.qwen2Bpe();
        });
        if (tokenizer.size() > config.vocabSize()) {
            String vocabulary = kind == TokenizerKind.LEARNED ? "a byte-level tokenizer" : "Qwen2's vocabulary";
            throw new IllegalArgumentException("vocab_size " + config.vocabSize() + " is too small for " + vocabulary
                    + " with R1-Distill's added tokens (" + tokenizer.size() + " ids)");
        }
        int bos = tokenizer.idOf(R1DistillTokens.BOS);
        int eos = tokenizer.idOf(R1DistillTokens.EOS);
        writeConfig(dir.resolve("config.json"), config, eos);
        writeGenerationConfig(dir.resolve("generation_config.json"), bos, eos);
        tokenizer.writeTokenizerJson(dir.resolve("tokenizer.json"));
        tokenizer.writeTokenizerConfig(dir.resolve("tokenizer_config.json"),
                resource("deepseek-r1-distill-chat-template.jinja"), config.maxPositionEmbeddings());
        if (gguf.isPresent()) {
            Qwen2GgufWriter.write(name, config, GgufTokenizer.read(dir, config.vocabSize()),
                    tensors(config, seed), dir.resolve(GGUF_FILE), gguf.get());
        } else {
            SafetensorsWriter.write(dir.resolve("model.safetensors"), WeightType.ofTorchName(config.dtype()), tensors(config, seed));
        }
    }

    private static List<SafetensorsWriter.Tensor> tensors(ModelConfig c, long seed) {
        long h = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        long inter = c.intermediateSize();
        double unit = 1.0;
        double projection = 1.0 / Math.sqrt(h);
        List<SafetensorsWriter.Tensor> t = new ArrayList<>();
        t.add(tensor(Qwen2Tensor.EMBEDDING, seed, unit, 0.0, c.vocabSize(), h));
        for (int i = 0; i < c.numLayers(); i++) {
            t.add(tensor(Qwen2Tensor.INPUT_LAYERNORM.of(i), seed, 0.05, 1.0, h));
            t.add(tensor(Qwen2Tensor.Q_PROJ.of(i), seed, projection, 0.0, q, h));
            t.add(tensor(Qwen2Tensor.Q_PROJ_BIAS.of(i), seed, 0.05, 0.0, q));
            t.add(tensor(Qwen2Tensor.K_PROJ.of(i), seed, projection, 0.0, kv, h));
            t.add(tensor(Qwen2Tensor.K_PROJ_BIAS.of(i), seed, 0.05, 0.0, kv));
            t.add(tensor(Qwen2Tensor.V_PROJ.of(i), seed, projection, 0.0, kv, h));
            t.add(tensor(Qwen2Tensor.V_PROJ_BIAS.of(i), seed, 0.05, 0.0, kv));
            t.add(tensor(Qwen2Tensor.O_PROJ.of(i), seed, 1.0 / Math.sqrt(q), 0.0, h, q));
            t.add(tensor(Qwen2Tensor.POST_ATTENTION_LAYERNORM.of(i), seed, 0.05, 1.0, h));
            t.add(tensor(Qwen2Tensor.GATE_PROJ.of(i), seed, projection, 0.0, inter, h));
            t.add(tensor(Qwen2Tensor.UP_PROJ.of(i), seed, projection, 0.0, inter, h));
            t.add(tensor(Qwen2Tensor.DOWN_PROJ.of(i), seed, 1.0 / Math.sqrt(inter), 0.0, h, inter));
        }
        t.add(tensor(Qwen2Tensor.FINAL_NORM, seed, 0.05, 1.0, h));
        if (!c.tieWordEmbeddings()) {
            t.add(tensor(Qwen2Tensor.LM_HEAD, seed, LOGIT_SCALE / Math.sqrt(h), 0.0, c.vocabSize(), h));
        }
        return t;
    }

    /** Uniform values with the given standard deviation around {@code mean}, from a stream seeded by name. */
    private static SafetensorsWriter.Tensor tensor(String name, long seed, double std, double mean, long... shape) {
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode());
        double halfWidth = std * Math.sqrt(3.0);
        return new SafetensorsWriter.Tensor(name, shape, (chunk, count) -> {
            for (int i = 0; i < count; i++) {
                chunk[i] = (float) (mean + (random.nextDouble() * 2.0 - 1.0) * halfWidth);
            }
        });
    }

    private static void writeConfig(Path file, ModelConfig c, int eos) throws IOException {
        JsonObject json = Json.createObjectBuilder()
                .add("architectures", Json.createArrayBuilder().add(c.architecture()))
                .add("model_type", "qwen2")
                .add("attention_dropout", 0.0)
                .add("bos_token_id", eos)
                .add("eos_token_id", eos)
                .add("hidden_act", "silu")
                .add("hidden_size", c.hiddenSize())
                .add("initializer_range", 0.02)
                .add("intermediate_size", c.intermediateSize())
                .add("max_position_embeddings", c.maxPositionEmbeddings())
                .add("max_window_layers", c.numLayers())
                .add("num_attention_heads", c.numHeads())
                .add("num_hidden_layers", c.numLayers())
                .add("num_key_value_heads", c.numKvHeads())
                .add("rms_norm_eps", c.rmsNormEps())
                .add("rope_theta", c.ropeTheta())
                .add("sliding_window", c.maxPositionEmbeddings())
                .add("tie_word_embeddings", c.tieWordEmbeddings())
                .add("torch_dtype", c.dtype())
                .add("transformers_version", "4.44.0")
                .add("use_cache", true)
                .add("use_sliding_window", false)
                .add("vocab_size", c.vocabSize())
                .build();
        writeJson(file, json);
    }

    private static void writeGenerationConfig(Path file, int bos, int eos) throws IOException {
        writeJson(file, Json.createObjectBuilder()
                .add("_from_model_config", true)
                .add("bos_token_id", bos)
                .add("eos_token_id", eos)
                .add("do_sample", true)
                .add("temperature", 0.6)
                .add("top_p", 0.95)
                .add("transformers_version", "4.44.0")
                .build());
    }

    private static void writeJson(Path file, JsonObject json) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             JsonGenerator g = Json.createGeneratorFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true))
                     .createGenerator(out)) {
            g.write(json);
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = RandomModelWriter.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Deletes a directory tree (a model written for a test). */
    public static void delete(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
