package dev.vela.bootstrap;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Vela's command line, with vLLM's flag names. Every flag maps to a MicroProfile Config key, so
 * the same settings can come from {@code -D} properties, environment variables ({@code VELA_MODEL})
 * or {@code microprofile-config.properties}; a flag given on the command line wins.
 */
@Command(name = "vela", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        versionProvider = VelaVersion.class,
        description = "An OpenAI-compatible LLM inference server for the JVM. "
                + "Started without --model it serves a small built-in demo model with random weights.")
final class VelaCommandLine {

    @Option(names = "--model", paramLabel = "DIR",
            description = "Hugging Face model directory (config.json, tokenizer.json, *.safetensors). Default: the demo model.")
    String model;

    @Option(names = "--served-model-name", paramLabel = "NAME",
            description = "The name clients use in \"model\". Default: the --model argument.")
    String servedModelName;

    @Option(names = "--max-model-len", paramLabel = "TOKENS",
            description = "Context length (prompt + output). Default: the model's max_position_embeddings.")
    Integer maxModelLen;

    @Option(names = "--host", paramLabel = "HOST", description = "Address to listen on. Default: ${DEFAULT-VALUE}.",
            defaultValue = "0.0.0.0")
    String host;

    @Option(names = "--port", paramLabel = "PORT", description = "Port to listen on. Default: ${DEFAULT-VALUE}.",
            defaultValue = "8000")
    int port;

    @Option(names = "--generation-config", paramLabel = "auto|vllm",
            description = "auto: sampling defaults from the model's generation_config.json; vllm: vLLM's built-ins. "
                    + "Default: ${DEFAULT-VALUE}.", defaultValue = "auto")
    String generationConfig;

    @Option(names = "--max-num-seqs", paramLabel = "N", description = "Sequences per engine step at most. Default: ${DEFAULT-VALUE}.",
            defaultValue = "16")
    int maxNumSeqs;

    @Option(names = "--max-num-batched-tokens", paramLabel = "N",
            description = "Tokens per engine step at most; longer prompts are prefilled in chunks. Default: ${DEFAULT-VALUE}.",
            defaultValue = "512")
    int maxNumBatchedTokens;

    @Option(names = "--tensor-parallel-size", paramLabel = "N",
            description = "GPUs to shard the model over (GPU engine). The CPU engine ignores it. Default: ${DEFAULT-VALUE}.",
            defaultValue = "1")
    int tensorParallelSize;

    @Option(names = "--gpu-memory-utilization", paramLabel = "FRACTION",
            description = "Share of GPU memory to use (GPU engine). The CPU engine ignores it. Default: ${DEFAULT-VALUE}.",
            defaultValue = "0.9")
    double gpuMemoryUtilization;

    /** Parses {@code args}; picocli errors (unknown flag, bad value) become {@link CommandLine.ParameterException}. */
    static VelaCommandLine parse(String... args) {
        VelaCommandLine options = new VelaCommandLine();
        new CommandLine(options).parseArgs(args);
        return options;
    }

    /** The flags that were given, as MicroProfile Config keys. */
    Map<String, String> toConfig(CommandLine.ParseResult parsed) {
        Map<String, String> config = new LinkedHashMap<>();
        put(config, parsed, "--model", "vela.model", model);
        put(config, parsed, "--served-model-name", "vela.served-model-name", servedModelName);
        put(config, parsed, "--max-model-len", "vela.max-model-len", maxModelLen);
        put(config, parsed, "--host", "server.host", host);
        put(config, parsed, "--port", "server.port", port);
        put(config, parsed, "--generation-config", "vela.generation-config", generationConfig);
        put(config, parsed, "--max-num-seqs", "vela.max-num-seqs", maxNumSeqs);
        put(config, parsed, "--max-num-batched-tokens", "vela.max-num-batched-tokens", maxNumBatchedTokens);
        put(config, parsed, "--tensor-parallel-size", "vela.tensor-parallel-size", tensorParallelSize);
        put(config, parsed, "--gpu-memory-utilization", "vela.gpu-memory-utilization", gpuMemoryUtilization);
        return config;
    }

    private static void put(Map<String, String> config, CommandLine.ParseResult parsed, String flag, String key, Object value) {
        if (parsed.hasMatchedOption(flag) && value != null) {
            config.put(key, String.valueOf(value));
        }
    }
}
