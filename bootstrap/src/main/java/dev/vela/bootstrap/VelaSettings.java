package dev.vela.bootstrap;

import dev.vela.application.port.out.Quantization;
import dev.vela.domain.tools.ToolCallParser;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import org.eclipse.microprofile.config.Config;

/**
 * Vela's settings as read from MicroProfile Config (command line, {@code -D}, environment,
 * {@code microprofile-config.properties}), each checked: a malformed value stops start-up with a
 * {@link SettingsException} that names its flag and key.
 *
 * @param maxModelLen        empty: the model's own limit
 * @param kvCacheMemoryBytes 0: the runner decides
 * @param dtype              vLLM's {@code --dtype}: auto, half, float16, bfloat16, float or float32
 * @param quantization       vLLM's {@code --quantization}: how the CPU runner packs the weights
 * @param reasoningParser    the only one Vela has is {@code deepseek_r1}
 * @param thinkingTokenBudget {@code --thinking-token-budget}: the reasoning budget of a request that sets none
 * @param chatTemplate       {@code --chat-template}, read: the template's source, used instead of the model's
 * @param toolCallParser     the parser of {@code --tool-call-parser} when {@code --enable-auto-tool-choice} is on
 * @param trustRequestChatTemplate whether a request may bring its own chat template
 * @param apiKey             {@code --api-key}, else {@code VLLM_API_KEY}; never logged
 * @param logLevel           {@code --uvicorn-log-level}, applied to Vela's own loggers
 * @param hub                where and how hub repositories are downloaded
 * @param connections        how long connections may idle or take to send a request, and how many may be open
 */
record VelaSettings(Optional<String> model, Optional<String> tokenizer, Optional<String> servedModelName, Optional<Integer> maxModelLen,
                    String generationConfig, int maxNumSeqs, int maxNumBatchedTokens, int blockSize,
                    long kvCacheMemoryBytes, boolean prefixCaching, Device device, CpuRunner cpuRunner, int cpuThreads,
                    String dtype, Quantization quantization, int tensorParallelSize,
                    double gpuMemoryUtilization, int maxLogprobs, Optional<String> reasoningParser,
                    Optional<Integer> thinkingTokenBudget, Optional<String> chatTemplate, Optional<String> toolCallParser,
                    boolean trustRequestChatTemplate,
                    Optional<String> apiKey, boolean docsEnabled, boolean accessLog, String logLevel,
                    long maxRequestBytes, int shutdownTimeoutSeconds, Path cacheDir, HubSettings hub,
                    Connections connections) {

    /** Where the model runs: {@code auto} takes the GPUs when CUDA is usable, else the CPU. */
    enum Device { AUTO, CPU, GPU }

    /** The CPU forward pass: Vela's own batched one, or Jlama's. */
    enum CpuRunner { PANAMA, JLAMA }

    /**
     * The Hugging Face hub, configured as huggingface_hub is: {@code HF_ENDPOINT}, {@code HF_TOKEN},
     * {@code HF_HUB_CACHE} / {@code HF_HOME}, {@code HF_HUB_OFFLINE}; {@code --download-dir} and
     * {@code --revision} as in vLLM.
     */
    record HubSettings(URI endpoint, Optional<String> token, Path cacheDir, boolean offline, String revision) {

        @Override
        public String toString() {
            return "HubSettings[endpoint=" + endpoint + ", token=" + (token.isPresent() ? "set" : "none")
                    + ", cacheDir=" + cacheDir + ", offline=" + offline + ", revision=" + revision + "]";
        }
    }

    /**
     * The HTTP connections' limits.
     *
     * @param keepAliveSeconds   {@code --timeout-keep-alive} (uvicorn's, which vLLM sets from
     *                           {@code VLLM_HTTP_TIMEOUT_KEEP_ALIVE}): a connection with no request for this long is closed
     * @param readTimeoutSeconds {@code --read-timeout}: a request's head must arrive within this time of its first
     *                           byte, and its body may pause no longer than this, else 400 and the connection closes
     * @param maxConnections     {@code --max-connections}: open connections at most; 0 derives it from the
     *                           process's file descriptor limit
     */
    record Connections(int keepAliveSeconds, int readTimeoutSeconds, int maxConnections) {
    }

    static final double DEFAULT_GPU_MEMORY_UTILIZATION = SettingsTable.GPU_MEMORY_UTILIZATION.parsedDefault().orElseThrow();

    static VelaSettings from(Config config) {
        Reader read = new Reader(config);
        return new VelaSettings(
                read.optional(SettingsTable.MODEL),
                read.optional(SettingsTable.TOKENIZER),
                read.optional(SettingsTable.SERVED_MODEL_NAME),
                read.optional(SettingsTable.MAX_MODEL_LEN),
                read.value(SettingsTable.GENERATION_CONFIG),
                read.value(SettingsTable.MAX_NUM_SEQS),
                read.value(SettingsTable.MAX_NUM_BATCHED_TOKENS),
                read.value(SettingsTable.BLOCK_SIZE),
                read.value(SettingsTable.KV_CACHE_MEMORY),
                read.value(SettingsTable.ENABLE_PREFIX_CACHING),
                Device.valueOf(read.value(SettingsTable.DEVICE).toUpperCase(Locale.ROOT)),
                CpuRunner.valueOf(read.value(SettingsTable.CPU_RUNNER).toUpperCase(Locale.ROOT)),
                read.optional(SettingsTable.CPU_THREADS).orElse(Runtime.getRuntime().availableProcessors()),
                read.value(SettingsTable.DTYPE),
                read.optional(SettingsTable.QUANTIZATION).map(Quantization::of).orElse(Quantization.NONE),
                read.value(SettingsTable.TENSOR_PARALLEL_SIZE),
                read.value(SettingsTable.GPU_MEMORY_UTILIZATION),
                read.value(SettingsTable.MAX_LOGPROBS),
                read.optional(SettingsTable.REASONING_PARSER),
                read.optional(SettingsTable.THINKING_TOKEN_BUDGET),
                read.optional(SettingsTable.CHAT_TEMPLATE).map(ChatTemplateOption::source),
                toolCallParser(read),
                read.value(SettingsTable.TRUST_REQUEST_CHAT_TEMPLATE),
                read.optional(SettingsTable.API_KEY),
                !read.value(SettingsTable.DISABLE_FASTAPI_DOCS),
                !read.value(SettingsTable.DISABLE_UVICORN_ACCESS_LOG),
                read.value(SettingsTable.UVICORN_LOG_LEVEL),
                read.value(SettingsTable.MAX_REQUEST_BYTES),
                read.value(SettingsTable.SHUTDOWN_TIMEOUT),
                read.optional(SettingsTable.CACHE_DIR).map(Path::of)
                        .orElse(Path.of(System.getProperty("user.home"), ".cache", "vela")),
                hub(read),
                new Connections(read.value(SettingsTable.TIMEOUT_KEEP_ALIVE), read.value(SettingsTable.READ_TIMEOUT),
                        read.value(SettingsTable.MAX_CONNECTIONS)));
    }

    /** vLLM's checks of the tool flags, with its messages; the parser only counts with auto tool choice on. */
    private static Optional<String> toolCallParser(Reader read) {
        Optional<String> parser = read.optional(SettingsTable.TOOL_CALL_PARSER);
        boolean auto = read.value(SettingsTable.ENABLE_AUTO_TOOL_CHOICE);
        if (auto && parser.isEmpty()) {
            throw new SettingsException("--enable-auto-tool-choice requires --tool-call-parser");
        }
        if (parser.isPresent() && !ToolCallParser.NAMES.contains(parser.get())) {
            throw new SettingsException("invalid tool call parser: " + parser.get() + " (chose from { "
                    + String.join(",", new TreeSet<>(ToolCallParser.NAMES)) + " })");
        }
        return auto ? parser : Optional.empty();
    }

    private static HubSettings hub(Reader read) {
        Path hfHome = read.text("HF_HOME").map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".cache", "huggingface"));
        Path cache = read.optional(SettingsTable.DOWNLOAD_DIR).map(Path::of).orElse(hfHome.resolve("hub"));
        String endpoint = read.text("HF_ENDPOINT").orElse("https://huggingface.co");
        URI uri;
        try {
            uri = URI.create(endpoint);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
        } catch (IllegalArgumentException e) {
            throw new SettingsException("HF_ENDPOINT must be a URL such as https://huggingface.co, got '" + endpoint + "'");
        }
        Optional<String> token = read.text("HF_TOKEN").or(() -> read.text("HUGGING_FACE_HUB_TOKEN"))
                .or(() -> HubToken.read(hfHome));
        boolean offline = read.text("HF_HUB_OFFLINE").map(v -> List.of("1", "true", "yes", "on").contains(v.toLowerCase(Locale.ROOT)))
                .orElse(false);
        return new HubSettings(uri, token, cache, offline, read.value(SettingsTable.REVISION));
    }

    /** The name clients use: {@code --served-model-name}, else {@code --model} as given, else the demo model's. */
    String servedName() {
        return servedModelName.orElse(model.orElse(DemoModel.name()));
    }

    @Override
    public String toString() {
        return "VelaSettings[model=" + model + ", tokenizer=" + tokenizer + ", servedModelName=" + servedModelName + ", maxModelLen=" + maxModelLen
                + ", device=" + device + ", dtype=" + dtype + ", quantization=" + quantization.flagValue() + ", apiKey=" + (apiKey.isPresent() ? "set" : "none") + "]";
    }

    /** Reads settings as {@link SettingsTable} declares them, and environment variables as text. */
    private record Reader(Config config) {

        Optional<String> text(String key) {
            return config.getOptionalValue(key, String.class).map(String::strip).filter(s -> !s.isEmpty());
        }

        /** The value given for {@code setting}, else for its fallback key, else its default, if it has one. */
        <T> Optional<T> optional(Setting<T> setting) {
            return text(setting.key()).map(text -> setting.parse(setting.flag(), setting.key(), text))
                    .or(() -> Optional.ofNullable(setting.fallbackKey()).flatMap(this::text)
                            .map(text -> setting.parse(setting.fallbackKey(), setting.fallbackKey(), text)))
                    .or(setting::parsedDefault);
        }

        /** The value of a setting that has a default. */
        <T> T value(Setting<T> setting) {
            return optional(setting).orElseThrow(() -> new IllegalStateException(setting.key() + " has no default"));
        }
    }
}
