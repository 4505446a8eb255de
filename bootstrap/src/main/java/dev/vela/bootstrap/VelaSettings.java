package dev.vela.bootstrap;

import dev.vela.domain.sampling.SamplingParams;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.config.Config;

/**
 * Vela's settings as read from MicroProfile Config (command line, {@code -D}, environment,
 * {@code microprofile-config.properties}), each checked: a malformed value stops start-up with a
 * {@link SettingsException} that names its flag and key.
 *
 * @param maxModelLen        empty: the model's own limit
 * @param kvCacheMemoryBytes 0: the runner decides
 * @param dtype              vLLM's {@code --dtype}: auto, half, float16, bfloat16, float or float32
 * @param reasoningParser    the only one Vela has is {@code deepseek_r1}
 * @param trustRequestChatTemplate whether a request may bring its own chat template
 * @param apiKey             {@code --api-key}, else {@code VLLM_API_KEY}; never logged
 * @param logLevel           {@code --uvicorn-log-level}, applied to Vela's own loggers
 * @param hub                where and how hub repositories are downloaded
 * @param connections        how long connections may idle or take to send a request, and how many may be open
 */
record VelaSettings(Optional<String> model, Optional<String> servedModelName, Optional<Integer> maxModelLen,
                    String generationConfig, int maxNumSeqs, int maxNumBatchedTokens, int blockSize,
                    long kvCacheMemoryBytes, boolean prefixCaching, Device device, CpuRunner cpuRunner, int cpuThreads,
                    String dtype, int tensorParallelSize,
                    double gpuMemoryUtilization, int maxLogprobs, Optional<String> reasoningParser,
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

    static final List<String> DTYPES = List.of("auto", "half", "float16", "bfloat16", "float", "float32");
    static final List<String> LOG_LEVELS = List.of("critical", "error", "warning", "info", "debug", "trace");
    static final long DEFAULT_MAX_REQUEST_BYTES = 32L << 20;
    static final double DEFAULT_GPU_MEMORY_UTILIZATION = 0.9;

    static VelaSettings from(Config config) {
        Reader read = new Reader(config);
        read.refuse("vela.enable-auto-tool-choice", "--enable-auto-tool-choice",
                "tool calling is not supported by this build of Vela (tools in a request are still rendered by the chat template)");
        read.refuse("vela.tool-call-parser", "--tool-call-parser",
                "tool calling is not supported by this build of Vela, so there is no tool call parser to choose");
        return new VelaSettings(
                read.text("vela.model"),
                read.text("vela.served-model-name"),
                read.optional("vela.max-model-len", "--max-model-len", "a positive number of tokens", Reader::positiveInt),
                read.choice("vela.generation-config", "--generation-config", "auto", List.of("auto", "vllm")),
                read.value("vela.max-num-seqs", "--max-num-seqs", 16, "a positive integer", Reader::positiveInt),
                read.value("vela.max-num-batched-tokens", "--max-num-batched-tokens", 512, "a positive integer",
                        Reader::positiveInt),
                read.value("vela.block-size", "--block-size", 16, "a positive number of positions", Reader::positiveInt),
                read.value("vela.kv-cache-memory", "--kv-cache-memory", 0L, "a size in bytes such as 4294967296 or 4GiB",
                        ByteSize::parse),
                read.value("vela.enable-prefix-caching", "--enable-prefix-caching", true, "true or false", Reader::bool),
                Device.valueOf(read.choice("vela.device", "--device", "auto", List.of("auto", "cpu", "gpu"))
                        .toUpperCase(Locale.ROOT)),
                CpuRunner.valueOf(read.choice("vela.cpu-runner", "--cpu-runner", "panama", List.of("panama", "jlama"))
                        .toUpperCase(Locale.ROOT)),
                read.value("vela.cpu-threads", "--cpu-threads", Runtime.getRuntime().availableProcessors(),
                        "a positive integer", Reader::positiveInt),
                read.choice("vela.dtype", "--dtype", "auto", DTYPES),
                read.value("vela.tensor-parallel-size", "--tensor-parallel-size", 1, "a positive integer",
                        Reader::positiveInt),
                read.value("vela.gpu-memory-utilization", "--gpu-memory-utilization", DEFAULT_GPU_MEMORY_UTILIZATION, "a fraction in (0, 1]",
                        Reader::fraction),
                read.value("vela.max-logprobs", "--max-logprobs", SamplingParams.MAX_LOGPROBS, "a positive integer", Reader::positiveInt),
                read.text("vela.reasoning-parser").map(parser -> read.oneOf("vela.reasoning-parser", "--reasoning-parser",
                        parser, List.of("deepseek_r1"))),
                read.flag("vela.trust-request-chat-template", "--trust-request-chat-template"),
                read.text("vela.api-key").or(() -> read.text("VLLM_API_KEY")),
                !read.flag("vela.disable-fastapi-docs", "--disable-fastapi-docs"),
                !read.flag("vela.disable-uvicorn-access-log", "--disable-uvicorn-access-log"),
                read.choice("vela.uvicorn-log-level", "--uvicorn-log-level", "info", LOG_LEVELS),
                read.value("vela.max-request-bytes", "--max-request-bytes", DEFAULT_MAX_REQUEST_BYTES,
                        "a positive size in bytes such as 33554432 or 32MiB",
                        text -> Optional.ofNullable(ByteSize.parse(text)).filter(n -> n > 0).orElse(null)),
                read.value("vela.shutdown-timeout", "--shutdown-timeout", 30, "a number of seconds (0 or more)",
                        Reader::nonNegativeInt),
                read.text("vela.cache-dir").map(Path::of).orElse(Path.of(System.getProperty("user.home"), ".cache", "vela")),
                hub(read),
                connections(read));
    }

    private static Connections connections(Reader read) {
        int keepAlive = read.optional("vela.timeout-keep-alive", "--timeout-keep-alive", "a positive number of seconds",
                        Reader::positiveInt)
                .or(() -> read.optional("VLLM_HTTP_TIMEOUT_KEEP_ALIVE", "VLLM_HTTP_TIMEOUT_KEEP_ALIVE",
                        "a positive number of seconds", Reader::positiveInt))
                .orElse(5);
        return new Connections(keepAlive,
                read.value("vela.read-timeout", "--read-timeout", 30, "a positive number of seconds", Reader::positiveInt),
                read.value("vela.max-connections", "--max-connections", 0, "a number of connections (0: derived)",
                        Reader::nonNegativeInt));
    }

    private static HubSettings hub(Reader read) {
        Path hfHome = read.text("HF_HOME").map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".cache", "huggingface"));
        Path cache = read.text("vela.download-dir").or(() -> read.text("HF_HUB_CACHE")).map(Path::of)
                .orElse(hfHome.resolve("hub"));
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
        return new HubSettings(uri, token, cache, offline, read.text("vela.revision").orElse("main"));
    }

    /** The name clients use: {@code --served-model-name}, else {@code --model} as given, else the demo model's. */
    String servedName() {
        return servedModelName.orElse(model.orElse(DemoModel.name()));
    }

    @Override
    public String toString() {
        return "VelaSettings[model=" + model + ", servedModelName=" + servedModelName + ", maxModelLen=" + maxModelLen
                + ", device=" + device + ", dtype=" + dtype + ", apiKey=" + (apiKey.isPresent() ? "set" : "none") + "]";
    }

    /** Reads keys with the error every bad value gets: flag, key, what was expected, what was given. */
    private record Reader(Config config) {

        Optional<String> text(String key) {
            return config.getOptionalValue(key, String.class).map(String::strip).filter(s -> !s.isEmpty());
        }

        <T> T value(String key, String flag, T absent, String expected, Function<String, T> parse) {
            return optional(key, flag, expected, parse).orElse(absent);
        }

        <T> Optional<T> optional(String key, String flag, String expected, Function<String, T> parse) {
            return text(key).map(text -> {
                T value;
                try {
                    value = parse.apply(text);
                } catch (RuntimeException e) {
                    value = null;
                }
                if (value == null) {
                    throw bad(key, flag, expected, text);
                }
                return value;
            });
        }

        String choice(String key, String flag, String absent, List<String> choices) {
            return text(key).map(value -> oneOf(key, flag, value, choices)).orElse(absent);
        }

        String oneOf(String key, String flag, String value, List<String> choices) {
            String lower = value.toLowerCase(Locale.ROOT);
            if (!choices.contains(lower)) {
                throw bad(key, flag, "one of " + String.join(", ", choices), value);
            }
            return lower;
        }

        boolean flag(String key, String flag) {
            return value(key, flag, false, "true or false", Reader::bool);
        }

        static Boolean bool(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                default -> null;
            };
        }

        /** A vLLM setting Vela accepts on the command line only to say clearly that it does not have the feature. */
        void refuse(String key, String flag, String why) {
            text(key).filter(value -> !"false".equalsIgnoreCase(value)).ifPresent(value -> {
                throw new SettingsException(flag + " (" + key + "): " + why);
            });
        }

        static SettingsException bad(String key, String flag, String expected, String given) {
            return new SettingsException(flag + " (" + key + ") must be " + expected + ", got '" + given + "'");
        }

        static Integer positiveInt(String text) {
            int value = Integer.parseInt(text);
            return value > 0 ? value : null;
        }

        static Integer nonNegativeInt(String text) {
            int value = Integer.parseInt(text);
            return value >= 0 ? value : null;
        }

        static Double fraction(String text) {
            double value = Double.parseDouble(text);
            return value > 0 && value <= 1 ? value : null;
        }
    }
}
