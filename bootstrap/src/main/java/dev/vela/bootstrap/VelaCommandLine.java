package dev.vela.bootstrap;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * Vela's command line, with vLLM's flag names ({@code --flag value} or {@code --flag=value}).
 * Every flag maps to a MicroProfile Config key ({@link #KEYS}), so the same settings can come from
 * {@code -D} properties, environment variables ({@code VELA_MODEL}) or
 * {@code microprofile-config.properties}; a flag given on the command line wins. Values are
 * checked by {@link VelaSettings}, whichever source they come from.
 */
@Command(name = "vela", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        versionProvider = VelaVersion.class,
        description = {"An OpenAI-compatible LLM inference server for the JVM, started with vLLM's flags.",
            "Started without --model it serves a small built-in demo model with random weights.",
            "Each flag's MicroProfile Config key follows it in brackets; -Dkey=value and environment variables "
                    + "(VELA_MAX_MODEL_LEN for vela.max-model-len) set the same."},
        footer = {"", "Environment: VLLM_API_KEY or VELA_API_KEY (like --api-key); HF_ENDPOINT, HF_TOKEN, HF_HOME, "
                + "HF_HUB_CACHE, HF_HUB_OFFLINE for hub downloads, as huggingface_hub reads them."})
final class VelaCommandLine {

    /** Each flag's config key. */
    static final Map<String, String> KEYS = Map.ofEntries(
            Map.entry("--model", "vela.model"),
            Map.entry("--served-model-name", "vela.served-model-name"),
            Map.entry("--revision", "vela.revision"),
            Map.entry("--download-dir", "vela.download-dir"),
            Map.entry("--max-model-len", "vela.max-model-len"),
            Map.entry("--host", "server.host"),
            Map.entry("--port", "server.port"),
            Map.entry("--api-key", "vela.api-key"),
            Map.entry("--device", "vela.device"),
            Map.entry("--cpu-runner", "vela.cpu-runner"),
            Map.entry("--cpu-threads", "vela.cpu-threads"),
            Map.entry("--dtype", "vela.dtype"),
            Map.entry("--tensor-parallel-size", "vela.tensor-parallel-size"),
            Map.entry("--gpu-memory-utilization", "vela.gpu-memory-utilization"),
            Map.entry("--kv-cache-memory", "vela.kv-cache-memory"),
            Map.entry("--block-size", "vela.block-size"),
            Map.entry("--enable-prefix-caching", "vela.enable-prefix-caching"),
            Map.entry("--max-num-seqs", "vela.max-num-seqs"),
            Map.entry("--max-num-batched-tokens", "vela.max-num-batched-tokens"),
            Map.entry("--generation-config", "vela.generation-config"),
            Map.entry("--max-logprobs", "vela.max-logprobs"),
            Map.entry("--reasoning-parser", "vela.reasoning-parser"),
            Map.entry("--trust-request-chat-template", "vela.trust-request-chat-template"),
            Map.entry("--enable-auto-tool-choice", "vela.enable-auto-tool-choice"),
            Map.entry("--tool-call-parser", "vela.tool-call-parser"),
            Map.entry("--disable-fastapi-docs", "vela.disable-fastapi-docs"),
            Map.entry("--uvicorn-log-level", "vela.uvicorn-log-level"),
            Map.entry("--disable-uvicorn-access-log", "vela.disable-uvicorn-access-log"),
            Map.entry("--disable-log-requests", "vela.disable-log-requests"),
            Map.entry("--trust-remote-code", "vela.trust-remote-code"),
            Map.entry("--max-request-bytes", "vela.max-request-bytes"),
            Map.entry("--shutdown-timeout", "vela.shutdown-timeout"),
            Map.entry("--timeout-keep-alive", "vela.timeout-keep-alive"),
            Map.entry("--read-timeout", "vela.read-timeout"),
            Map.entry("--max-connections", "vela.max-connections"));

    @Option(names = "--model", paramLabel = "DIR|ORG/NAME",
            description = {"A Hugging Face model directory (config.json, tokenizer.json, *.safetensors), or a hub "
                    + "repository id, downloaded into the Hugging Face cache. Default: the built-in demo model.",
                    "[vela.model]"})
    String model;

    @Option(names = "--served-model-name", paramLabel = "NAME",
            description = {"The name clients use in \"model\". Default: the --model argument.",
                    "[vela.served-model-name]"})
    String servedModelName;

    @Option(names = "--revision", paramLabel = "REV",
            description = {"Branch, tag or commit of a hub model. Default: main.", "[vela.revision]"})
    String revision;

    @Option(names = "--download-dir", paramLabel = "DIR",
            description = {"Where hub models are downloaded. Default: HF_HUB_CACHE, else $HF_HOME/hub, "
                    + "else ~/.cache/huggingface/hub.", "[vela.download-dir]"})
    String downloadDir;

    @Option(names = "--max-model-len", paramLabel = "TOKENS",
            description = {"Context length (prompt + output). Default: the model's max_position_embeddings.",
                    "[vela.max-model-len]"})
    Integer maxModelLen;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "0.0.0.0",
            description = {"Address to listen on. Default: ${DEFAULT-VALUE}.", "[server.host]"})
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8000",
            description = {"Port to listen on. Default: ${DEFAULT-VALUE}.", "[server.port]"})
    int port;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = {"Require \"Authorization: Bearer KEY\" on /v1/*. Default: none (any key or none is "
                    + "accepted), or VLLM_API_KEY.", "[vela.api-key]"})
    String apiKey;

    @Option(names = "--device", paramLabel = "auto|cpu|gpu", defaultValue = "auto",
            description = {"Where the model runs: auto takes the GPUs when CUDA is usable, else the CPU. "
                    + "Default: ${DEFAULT-VALUE}.", "[vela.device]"})
    String device;

    @Option(names = "--cpu-runner", paramLabel = "panama|jlama", defaultValue = "panama",
            description = {"The CPU forward pass: Vela's batched Panama Vector API runner with a paged KV cache, "
                    + "or Jlama's (one sequence at a time, no prefix caching). Default: ${DEFAULT-VALUE}.",
                    "[vela.cpu-runner]"})
    String cpuRunner;

    @Option(names = "--cpu-threads", paramLabel = "N",
            description = {"Cores the CPU runner uses. Default: all the JVM sees.", "[vela.cpu-threads]"})
    Integer cpuThreads;

    @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "auto",
            description = {"auto, half, float16, bfloat16, float or float32: the type the GPU runner computes in; "
                    + "the CPU runner computes in float32 with the weights as stored. Default: ${DEFAULT-VALUE}.",
                    "[vela.dtype]"})
    String dtype;

    @Option(names = "--tensor-parallel-size", paramLabel = "N", defaultValue = "1",
            description = {"GPUs to shard the model over (GPU runner; the CPU runner ignores it). "
                    + "Default: ${DEFAULT-VALUE}.", "[vela.tensor-parallel-size]"})
    int tensorParallelSize;

    @Option(names = "--gpu-memory-utilization", paramLabel = "FRACTION", defaultValue = "0.9",
            description = {"Share of GPU memory to use (GPU runner; the CPU runner ignores it). "
                    + "Default: ${DEFAULT-VALUE}.", "[vela.gpu-memory-utilization]"})
    double gpuMemoryUtilization;

    @Option(names = {"--kv-cache-memory", "--kv-cache-memory-bytes"}, paramLabel = "SIZE", defaultValue = "0",
            description = {"Memory for the KV cache, in bytes or with a unit (4GiB, 512MiB). "
                    + "Default: ${DEFAULT-VALUE}, the runner decides.", "[vela.kv-cache-memory]"})
    String kvCacheMemory;

    @Option(names = "--block-size", paramLabel = "TOKENS", defaultValue = "16",
            description = {"Positions per KV-cache block. Default: ${DEFAULT-VALUE}.", "[vela.block-size]"})
    int blockSize;

    @Option(names = "--enable-prefix-caching", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = {"Reuse the KV cache of prompt prefixes already computed (runners with a paged KV cache); "
                    + "--no-enable-prefix-caching turns it off. Default: ${DEFAULT-VALUE}.",
                    "[vela.enable-prefix-caching]"})
    boolean enablePrefixCaching;

    @Option(names = "--max-num-seqs", paramLabel = "N", defaultValue = "16",
            description = {"Sequences per engine step at most. Default: ${DEFAULT-VALUE}.", "[vela.max-num-seqs]"})
    int maxNumSeqs;

    @Option(names = "--max-num-batched-tokens", paramLabel = "N", defaultValue = "512",
            description = {"Tokens per engine step at most; longer prompts are prefilled in chunks. "
                    + "Default: ${DEFAULT-VALUE}.", "[vela.max-num-batched-tokens]"})
    int maxNumBatchedTokens;

    @Option(names = "--generation-config", paramLabel = "auto|vllm", defaultValue = "auto",
            description = {"auto: sampling defaults from the model's generation_config.json; vllm: vLLM's built-ins. "
                    + "Default: ${DEFAULT-VALUE}.", "[vela.generation-config]"})
    String generationConfig;

    @Option(names = "--max-logprobs", paramLabel = "N", defaultValue = "20",
            description = {"Most log-probabilities a request may ask for; Vela's limit is 20. "
                    + "Default: ${DEFAULT-VALUE}.", "[vela.max-logprobs]"})
    int maxLogprobs;

    @Option(names = "--reasoning-parser", paramLabel = "deepseek_r1",
            description = {"Split the reasoning (<think>...</think>) into reasoning_content. Default: none.",
                    "[vela.reasoning-parser]"})
    String reasoningParser;

    @Option(names = "--trust-request-chat-template",
            description = {"Let requests bring their own chat template (chat_template, or chat_template in "
                    + "chat_template_kwargs); without it such requests are refused with 400. Templates always run "
                    + "sandboxed.", "[vela.trust-request-chat-template]"})
    boolean trustRequestChatTemplate;

    @Option(names = "--enable-auto-tool-choice",
            description = {"Not supported: tool calling needs a tool call parser, which this build lacks; "
                    + "start-up stops with a message.", "[vela.enable-auto-tool-choice]"})
    boolean enableAutoToolChoice;

    @Option(names = "--tool-call-parser", paramLabel = "NAME",
            description = {"Not supported (see --enable-auto-tool-choice).", "[vela.tool-call-parser]"})
    String toolCallParser;

    @Option(names = "--disable-fastapi-docs",
            description = {"Serve no /docs, /openapi and /openapi.json.", "[vela.disable-fastapi-docs]"})
    boolean disableFastapiDocs;

    @Option(names = "--uvicorn-log-level", paramLabel = "LEVEL", defaultValue = "info",
            description = {"critical, error, warning, info, debug or trace: Vela's log level. "
                    + "Default: ${DEFAULT-VALUE}.", "[vela.uvicorn-log-level]"})
    String uvicornLogLevel;

    @Option(names = "--disable-uvicorn-access-log",
            description = {"Log no line per request.", "[vela.disable-uvicorn-access-log]"})
    boolean disableUvicornAccessLog;

    @Option(names = "--disable-log-requests",
            description = {"Accepted for vLLM's command lines: Vela never logs prompts or outputs.",
                    "[vela.disable-log-requests]"})
    boolean disableLogRequests;

    @Option(names = "--trust-remote-code",
            description = {"Accepted for vLLM's command lines: Vela runs no code from model repositories.",
                    "[vela.trust-remote-code]"})
    boolean trustRemoteCode;

    @Option(names = "--max-request-bytes", paramLabel = "SIZE", defaultValue = "32MiB",
            description = {"Vela: larger request bodies are refused with 413. Default: ${DEFAULT-VALUE}.",
                    "[vela.max-request-bytes]"})
    String maxRequestBytes;

    @Option(names = "--shutdown-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = {"Vela: on SIGTERM, how long running requests may take to finish. "
                    + "Default: ${DEFAULT-VALUE}.", "[vela.shutdown-timeout]"})
    int shutdownTimeout;

    @Option(names = "--timeout-keep-alive", paramLabel = "SECONDS", defaultValue = "5",
            description = {"Close a connection that has sent no request for this long (uvicorn's option; "
                    + "VLLM_HTTP_TIMEOUT_KEEP_ALIVE sets it too). Default: ${DEFAULT-VALUE}.", "[vela.timeout-keep-alive]"})
    int timeoutKeepAlive;

    @Option(names = "--read-timeout", paramLabel = "SECONDS", defaultValue = "30",
            description = {"Vela: a request's head must arrive within this time of its first byte, and its body may "
                    + "pause no longer; else 400 and the connection closes. Default: ${DEFAULT-VALUE}.",
                    "[vela.read-timeout]"})
    int readTimeout;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "0",
            description = {"Vela: open connections at most; further clients wait to be accepted. 0 derives it from "
                    + "the process's file descriptor limit. Default: ${DEFAULT-VALUE}.", "[vela.max-connections]"})
    int maxConnections;

    /** The flags that were given, as MicroProfile Config keys. */
    static Map<String, String> toConfig(CommandLine.ParseResult parsed) {
        Map<String, String> config = new LinkedHashMap<>();
        for (OptionSpec option : parsed.matchedOptions()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String key = KEYS.get(option.names()[0]);
            if (key == null) {
                throw new IllegalStateException(option.longestName() + " has no config key");
            }
            config.put(key, String.valueOf(option.<Object>getValue()));
        }
        return config;
    }
}
