package dev.vela.adapters.hf;

import dev.vela.application.port.out.ModelWeights;
import dev.vela.domain.chat.ChatTemplate;
import dev.vela.domain.generation.GenerationConfig;
import dev.vela.domain.model.ModelConfig;
import dev.vela.domain.sampling.SamplingDefaults;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A Hugging Face model directory, read and checked when it is opened: the model's shape
 * ({@code config.json}), its generation defaults ({@code generation_config.json}), its chat
 * template ({@code tokenizer_config.json}), and where its tokenizer and weights are. Every problem
 * is a {@link ModelDirectoryException} that names the file. A GGUF file with a tokenizer directory
 * ({@link #gguf}) is served the same way.
 *
 * @param chatTemplate empty when the model brings no chat template (a base model)
 * @param path         the directory, or the GGUF file
 * @param modelFiles   {@code model.safetensors}, or the shards {@code model.safetensors.index.json} lists, or the
 *                     GGUF file
 */
public record HfModelDirectory(Path path, ModelConfig config, GenerationConfig generationConfig,
                               Optional<ChatTemplate> chatTemplate, Path tokenizerJson, List<Path> modelFiles) {

    /** transformers' own default top_k; vLLM reads only the values that differ from its defaults. */
    private static final int TRANSFORMERS_DEFAULT_TOP_K = 50;
    /** The index of a checkpoint split into shards. */
    static final String SHARD_INDEX = "model.safetensors.index.json";

    public HfModelDirectory {
        modelFiles = List.copyOf(modelFiles);
    }

    /** Reads and checks the directory. */
    public static HfModelDirectory open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ModelDirectoryException(dir + ": not a model directory ("
                    + (Files.exists(dir) ? "not a directory" : "does not exist") + ")");
        }
        JsonFile config = JsonFile.read(dir.resolve("config.json"));
        ModelConfig modelConfig = modelConfig(config);
        GenerationConfig generationConfig = generationConfig(dir.resolve("generation_config.json"), eosTokenIds(config));
        Optional<ChatTemplate> chatTemplate = chatTemplate(dir, Optional.empty());
        return new HfModelDirectory(dir, modelConfig, generationConfig, chatTemplate, tokenizerJson(dir), modelFiles(dir));
    }

    /**
     * A GGUF file with the Hugging Face tokenizer in {@code tokenizerDir}, as vLLM serves one: the
     * model's shape and weights from the file (read and checked now), the tokenizer, chat template
     * and generation defaults from the directory ({@code tokenizer.json}, {@code tokenizer_config.json},
     * {@code chat_template.jinja}, {@code generation_config.json}). The file's own
     * {@code tokenizer.chat_template} and end-of-sequence id stand in where the directory has none.
     */
    public static HfModelDirectory gguf(Path file, Path tokenizerDir) {
        if (!Files.isDirectory(tokenizerDir)) {
            throw new ModelDirectoryException(tokenizerDir + ": not a tokenizer directory ("
                    + (Files.exists(tokenizerDir) ? "not a directory" : "does not exist") + ")");
        }
        ModelConfig config;
        Optional<String> fileTemplate;
        List<Integer> fileEos;
        try (GgufModelWeights weights = GgufModelWeights.open(file)) {
            config = GgufModelConfig.read(weights.file());
            fileTemplate = weights.file().string("tokenizer.chat_template");
            fileEos = weights.file().metadata().get("tokenizer.ggml.eos_token_id") instanceof Long id
                    && id <= Integer.MAX_VALUE ? List.of(id.intValue()) : List.of();
        }
        Path configJson = tokenizerDir.resolve("config.json");
        List<Integer> eos = Files.isRegularFile(configJson) ? eosTokenIds(JsonFile.read(configJson)) : List.of();
        GenerationConfig generationConfig = generationConfig(tokenizerDir.resolve("generation_config.json"),
                eos.isEmpty() ? fileEos : eos);
        return new HfModelDirectory(file, config, generationConfig, chatTemplate(tokenizerDir, fileTemplate),
                tokenizerJson(tokenizerDir), List.of(file));
    }

    /** True when the weights are a GGUF file rather than safetensors. */
    public boolean isGguf() {
        return modelFiles.size() == 1 && modelFiles.getFirst().equals(path) && Files.isRegularFile(path);
    }

    /** Maps the weights: the GGUF file, or every safetensors file. */
    public ModelWeights openWeights() {
        return isGguf() ? GgufModelWeights.open(path) : SafetensorsModelWeights.open(modelFiles);
    }

    private static Path tokenizerJson(Path dir) {
        Path tokenizerJson = dir.resolve("tokenizer.json");
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new ModelDirectoryException("tokenizer.json: missing (looked for " + tokenizerJson.toAbsolutePath() + ")");
        }
        return tokenizerJson;
    }

    private static ModelConfig modelConfig(JsonFile config) {
        refuseQuantizedWeights(config);
        String architecture = firstArchitecture(config);
        int hiddenSize = config.requiredInt("hidden_size");
        int numLayers = config.requiredInt("num_hidden_layers");
        int numHeads = config.requiredInt("num_attention_heads");
        int numKvHeads = config.optionalInt("num_key_value_heads").orElse(numHeads);
        int headDim = config.optionalInt("head_dim").orElse(numHeads > 0 ? hiddenSize / numHeads : 0);
        int intermediateSize = config.requiredInt("intermediate_size");
        int vocabSize = config.requiredInt("vocab_size");
        int maxPositionEmbeddings = config.requiredInt("max_position_embeddings");
        double ropeTheta = config.optionalDouble("rope_theta")
                .or(() -> ropeThetaInRopeParameters(config))
                .orElse(10000.0);
        double rmsNormEps = config.requiredDouble("rms_norm_eps");
        boolean tieWordEmbeddings = config.optionalBoolean("tie_word_embeddings").orElse(false);
        // transformers 4.56 renamed torch_dtype to dtype; a config without either loads as float32.
        String dtype = config.optionalString("torch_dtype")
                .or(() -> config.optionalString("dtype"))
                .orElse("float32");
        try {
            return new ModelConfig(architecture, hiddenSize, numLayers, numHeads, numKvHeads, headDim,
                    intermediateSize, vocabSize, maxPositionEmbeddings, ropeTheta, rmsNormEps,
                    tieWordEmbeddings, dtype);
        } catch (IllegalArgumentException e) {
            throw config.problem(e.getMessage());
        }
    }

    /**
     * Weights a quantization method wrote (GPTQ, AWQ, FP8, bitsandbytes...) are not plain matrices:
     * Vela cannot serve them, and says so before reading anything else.
     */
    private static void refuseQuantizedWeights(JsonFile config) {
        config.present("quantization_config").ifPresent(declared -> {
            String method = declared instanceof JsonObject object && object.get("quant_method") instanceof JsonString name
                    ? name.getString() : declared.toString();
            throw config.problem("\"quantization_config\" declares weights quantized with " + method
                    + ", which Vela cannot serve; serve the unquantized model, with --quantization q8_0 or q4_0 to quantize it");
        });
    }

    private static String firstArchitecture(JsonFile config) {
        JsonValue architectures = config.present("architectures")
                .orElseThrow(() -> config.problem("missing \"architectures\""));
        if (architectures instanceof JsonArray list && !list.isEmpty() && list.get(0) instanceof JsonString first) {
            return first.getString();
        }
        throw config.problem("\"architectures\" must be a non-empty list of names, got " + architectures);
    }

    /** transformers 5 moved rope_theta into a rope_parameters object. */
    private static Optional<Double> ropeThetaInRopeParameters(JsonFile config) {
        return config.present("rope_parameters")
                .filter(JsonObject.class::isInstance)
                .map(parameters -> ((JsonObject) parameters).get("rope_theta"))
                .filter(JsonNumber.class::isInstance)
                .map(theta -> ((JsonNumber) theta).doubleValue());
    }

    private static GenerationConfig generationConfig(Path file, List<Integer> eosFromConfig) {
        if (!Files.exists(file)) {
            return new GenerationConfig(SamplingDefaults.none(), eosFromConfig);
        }
        JsonFile generation = JsonFile.read(file);
        SamplingDefaults defaults = new SamplingDefaults(
                generation.optionalDouble("temperature").orElse(null),
                generation.optionalDouble("top_p").orElse(null),
                generation.optionalInt("top_k").filter(k -> k != TRANSFORMERS_DEFAULT_TOP_K).orElse(null),
                generation.optionalDouble("min_p").orElse(null),
                generation.optionalDouble("repetition_penalty").orElse(null),
                generation.optionalInt("max_new_tokens").orElse(null));
        List<Integer> eos = eosTokenIds(generation);
        return new GenerationConfig(defaults, eos.isEmpty() ? eosFromConfig : eos);
    }

    /** {@code eos_token_id} is one id or a list of them. */
    private static List<Integer> eosTokenIds(JsonFile file) {
        Optional<JsonValue> value = file.present("eos_token_id");
        if (value.isEmpty()) {
            return List.of();
        }
        if (value.get() instanceof JsonArray ids) {
            List<Integer> result = new ArrayList<>();
            for (JsonValue id : ids) {
                if (!(id instanceof JsonNumber number) || !number.isIntegral()) {
                    throw file.problem("\"eos_token_id\" must be an id or a list of ids, got " + ids);
                }
                result.add(number.intValue());
            }
            return result;
        }
        return List.of(file.requiredInt("eos_token_id"));
    }

    /** Another template ({@code --chat-template}) with this model's special tokens. */
    public ChatTemplate chatTemplateWith(String source) {
        Optional<JsonFile> tokenizerConfig = tokenizerConfig(tokenizerJson.getParent());
        return new ChatTemplate(source, specialToken(tokenizerConfig, "bos_token"), specialToken(tokenizerConfig, "eos_token"));
    }

    private static Optional<ChatTemplate> chatTemplate(Path dir, Optional<String> otherwise) {
        Optional<JsonFile> tokenizerConfig = tokenizerConfig(dir);
        // As in transformers, a chat_template.jinja file overrides the template inside tokenizer_config.json.
        Optional<String> source = templateFile(dir.resolve("chat_template.jinja"))
                .or(() -> tokenizerConfig.flatMap(HfModelDirectory::templateSource))
                .or(() -> otherwise);
        return source.filter(text -> !text.isBlank()).map(text -> new ChatTemplate(text,
                specialToken(tokenizerConfig, "bos_token"), specialToken(tokenizerConfig, "eos_token")));
    }

    private static Optional<JsonFile> tokenizerConfig(Path dir) {
        Path file = dir.resolve("tokenizer_config.json");
        return Files.exists(file) ? Optional.of(JsonFile.read(file)) : Optional.empty();
    }

    private static String specialToken(Optional<JsonFile> tokenizerConfig, String name) {
        return tokenizerConfig.flatMap(config -> specialTokenText(config, name)).orElse(null);
    }

    /** {@code chat_template} is the source itself, or a list of named sources of which "default" is the chat one. */
    private static Optional<String> templateSource(JsonFile config) {
        Optional<JsonValue> value = config.present("chat_template");
        if (value.isEmpty() || value.get() instanceof JsonString) {
            return config.optionalString("chat_template");
        }
        if (value.get() instanceof JsonArray named) {
            for (JsonValue entry : named) {
                if (entry instanceof JsonObject template
                        && "default".equals(template.getString("name", null))
                        && template.get("template") instanceof JsonString text) {
                    return Optional.of(text.getString());
                }
            }
            throw config.problem("\"chat_template\" lists no template named \"default\"");
        }
        throw config.problem("\"chat_template\" must be a string or a list of {name, template}, got " + value.get());
    }

    /** Newer transformers save the template in its own file beside tokenizer_config.json. */
    private static Optional<String> templateFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ModelDirectoryException(file.getFileName() + ": cannot be read as UTF-8 text (" + e + ")", e);
        }
    }

    /** A special token is written as its text or as an AddedToken object {@code {"content": ...}}. */
    private static Optional<String> specialTokenText(JsonFile config, String field) {
        return config.present(field).map(value -> switch (value) {
            case JsonString text -> text.getString();
            case JsonObject token when token.get("content") instanceof JsonString content -> content.getString();
            default -> throw config.problem("\"" + field + "\" must be a string or {\"content\": ...}, got " + value);
        });
    }

    /**
     * The shard files a {@value #SHARD_INDEX} names, sorted: every tensor of its
     * {@code weight_map} must map to a file name, and there must be at least one.
     */
    static SortedSet<String> shardNames(JsonFile index) {
        if (!(index.present("weight_map").orElse(null) instanceof JsonObject weightMap)) {
            throw index.problem("missing \"weight_map\"");
        }
        SortedSet<String> names = new TreeSet<>();
        weightMap.forEach((tensor, shard) -> {
            if (!(shard instanceof JsonString name)) {
                throw index.problem("\"weight_map\" must map tensor names to file names, got " + shard + " for " + tensor);
            }
            names.add(name.getString());
        });
        if (names.isEmpty()) {
            throw index.problem("\"weight_map\" lists no shards");
        }
        return names;
    }

    private static List<Path> modelFiles(Path dir) {
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return List.of(single);
        }
        Path indexPath = dir.resolve(SHARD_INDEX);
        if (!Files.exists(indexPath)) {
            throw new ModelDirectoryException(
                    "model.safetensors: missing, and there is no " + SHARD_INDEX + " listing shards");
        }
        JsonFile index = JsonFile.read(indexPath);
        List<Path> shards = new ArrayList<>();
        for (String name : shardNames(index)) {
            Path shard = dir.resolve(name).normalize();
            if (!shard.startsWith(dir.normalize())) {
                throw index.problem("lists a shard outside the model directory: " + name);
            }
            if (!Files.isRegularFile(shard)) {
                throw index.problem("lists " + name + ", which is missing");
            }
            shards.add(shard);
        }
        return shards;
    }
}
