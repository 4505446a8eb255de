package dev.vela.bootstrap;

import static dev.vela.bootstrap.Setting.keyOnly;
import static dev.vela.bootstrap.Setting.option;
import static dev.vela.bootstrap.Setting.toggle;

import dev.vela.bootstrap.Setting.Type;
import dev.vela.domain.sampling.SamplingParams;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every setting Vela has, each declared once, in the order {@code --help} lists them. The command
 * line ({@link VelaCommandLine}), the config defaults ({@link SettingDefaults}), the checked read
 * ({@link VelaSettings}) and the table in docs/configuration.md all come from here.
 */
final class SettingsTable {

    static final Setting<String> MODEL = option("--model", "vela.model", Type.text()).label("DIR|ORG/NAME|FILE.gguf")
            .help("A Hugging Face model directory (config.json, tokenizer.json, *.safetensors), a hub repository id, "
                    + "downloaded into the Hugging Face cache, or a GGUF file of the qwen2 architecture (with --tokenizer).")
            .whenAbsent("the built-in demo model");

    static final Setting<String> TOKENIZER = option("--tokenizer", "vela.tokenizer", Type.text()).label("DIR|ORG/NAME")
            .help("The Hugging Face tokenizer of a GGUF --model: a directory or hub repository id with tokenizer.json "
                    + "(its tokenizer_config.json gives the chat template, its generation_config.json the defaults).")
            .whenAbsent("required for a GGUF file; a model directory uses its own");

    static final Setting<String> SERVED_MODEL_NAME = option("--served-model-name", "vela.served-model-name", Type.text())
            .label("NAME").help("The name clients use in \"model\".").whenAbsent("the --model argument");

    static final Setting<String> REVISION = option("--revision", "vela.revision", Type.text()).label("REV")
            .help("Branch, tag or commit of a hub model.").byDefault("main");

    static final Setting<String> DOWNLOAD_DIR = option("--download-dir", "vela.download-dir", Type.text()).label("DIR")
            .help("Where hub models are downloaded.").fallback("HF_HUB_CACHE")
            .whenAbsent("HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub");

    static final Setting<Integer> MAX_MODEL_LEN = option("--max-model-len", "vela.max-model-len",
            Type.positive("a positive number of tokens")).label("TOKENS")
            .help("Context length (prompt + output).").whenAbsent("the model's max_position_embeddings");

    static final Setting<String> HOST = option("--host", "server.host", Type.text()).label("HOST")
            .help("Address to listen on.").byDefault("0.0.0.0");

    static final Setting<Integer> PORT = option("--port", "server.port", Type.nonNegative("a port number")).label("PORT")
            .help("Port to listen on.").byDefault("8000");

    static final Setting<String> API_KEY = option("--api-key", "vela.api-key", Type.text()).label("KEY")
            .help("Require \"Authorization: Bearer KEY\" on /v1/*.").fallback("VLLM_API_KEY")
            .whenAbsent("none (any key or none is accepted), or VLLM_API_KEY");

    static final Setting<String> DEVICE = option("--device", "vela.device", Type.oneOf("auto", "cpu", "gpu"))
            .help("Where the model runs: auto takes the GPUs when CUDA is usable, else the CPU.").byDefault("auto");

    static final Setting<String> CPU_RUNNER = option("--cpu-runner", "vela.cpu-runner", Type.oneOf("panama", "jlama"))
            .help("The CPU forward pass: Vela's batched Panama Vector API runner with a paged KV cache, or Jlama's "
                    + "(one sequence at a time, no prefix caching).")
            .byDefault("panama");

    static final Setting<Integer> CPU_THREADS = option("--cpu-threads", "vela.cpu-threads",
            Type.positive("a positive integer")).label("N")
            .help("Cores the CPU runner uses.").whenAbsent("all the JVM sees");

    static final Setting<String> DTYPE = option("--dtype", "vela.dtype",
            Type.oneOf("auto", "half", "float16", "bfloat16", "float", "float32")).label("TYPE")
            .help("auto, half, float16, bfloat16, float or float32: the type the GPU runner computes in; the CPU runner "
                    + "computes in float32 with the weights as stored.")
            .byDefault("auto");

    static final Setting<String> QUANTIZATION = option("--quantization", "vela.quantization", Type.oneOf("q8_0", "q4_0"))
            .label("METHOD")
            .help("Quantize the weights when the CPU runner packs them: q8_0 (8 bits, a scale per 32 weights) or q4_0 "
                    + "(4 bits), llama.cpp's formats; the packed files are kept per format.")
            .whenAbsent("the weights as stored");

    static final Setting<Integer> TENSOR_PARALLEL_SIZE = option("--tensor-parallel-size", "vela.tensor-parallel-size",
            Type.positive("a positive integer")).label("N")
            .help("GPUs to shard the model over (GPU runner; the CPU runner ignores it).").byDefault("1");

    static final Setting<Double> GPU_MEMORY_UTILIZATION = option("--gpu-memory-utilization",
            "vela.gpu-memory-utilization", Type.fraction()).label("FRACTION")
            .help("Share of GPU memory to use (GPU runner; the CPU runner ignores it).").byDefault("0.9");

    static final Setting<Long> KV_CACHE_MEMORY = option("--kv-cache-memory", "vela.kv-cache-memory",
            Type.size("a size in bytes such as 4294967296 or 4GiB")).alias("--kv-cache-memory-bytes").label("SIZE")
            .help("Memory for the KV cache, in bytes or with a unit (4GiB, 512MiB).")
            .byDefault("0", "the runner decides");

    static final Setting<Integer> BLOCK_SIZE = option("--block-size", "vela.block-size",
            Type.positive("a positive number of positions")).label("TOKENS")
            .help("Positions per KV-cache block.").byDefault("16");

    static final Setting<Boolean> ENABLE_PREFIX_CACHING = toggle("--enable-prefix-caching", "vela.enable-prefix-caching")
            .withNegatedForm()
            .help("Reuse the KV cache of prompt prefixes already computed (runners with a paged KV cache); "
                    + "--no-enable-prefix-caching turns it off.")
            .byDefault("true");

    static final Setting<Integer> MAX_NUM_SEQS = option("--max-num-seqs", "vela.max-num-seqs",
            Type.positive("a positive integer")).label("N")
            .help("Sequences per engine step at most.").byDefault("16");

    static final Setting<Integer> MAX_NUM_BATCHED_TOKENS = option("--max-num-batched-tokens",
            "vela.max-num-batched-tokens", Type.positive("a positive integer")).label("N")
            .help("Tokens per engine step at most; longer prompts are prefilled in chunks.").byDefault("512");

    static final Setting<String> GENERATION_CONFIG = option("--generation-config", "vela.generation-config",
            Type.oneOf("auto", "vllm"))
            .help("auto: sampling defaults from the model's generation_config.json; vllm: vLLM's built-ins.")
            .byDefault("auto");

    static final Setting<Integer> MAX_LOGPROBS = option("--max-logprobs", "vela.max-logprobs",
            Type.positive("a positive integer")).label("N")
            .help("Most log-probabilities a request may ask for; Vela's limit is " + SamplingParams.MAX_LOGPROBS + ".")
            .byDefault(String.valueOf(SamplingParams.MAX_LOGPROBS));

    static final Setting<String> REASONING_PARSER = option("--reasoning-parser", "vela.reasoning-parser",
            Type.oneOf("deepseek_r1"))
            .help("Split the reasoning (<think>...</think>) into reasoning_content.").whenAbsent("none");

    static final Setting<Boolean> TRUST_REQUEST_CHAT_TEMPLATE = toggle("--trust-request-chat-template",
            "vela.trust-request-chat-template")
            .help("Let requests bring their own chat template (chat_template, or chat_template in chat_template_kwargs); "
                    + "without it such requests are refused with 400. Templates always run sandboxed.");

    static final Setting<Integer> THINKING_TOKEN_BUDGET = option("--thinking-token-budget", "vela.thinking-token-budget",
            Type.nonNegative("a number of tokens (0 or more)")).label("TOKENS")
            .help("Vela: the reasoning budget of a request that sends no thinking_token_budget: after that many tokens "
                    + "inside <think>, </think> is forced and the answer follows.")
            .whenAbsent("unbounded");

    static final Setting<String> CHAT_TEMPLATE = option("--chat-template", "vela.chat-template", Type.text())
            .label("FILE|TEMPLATE")
            .help("A Jinja chat template used instead of the model's: a file, or the template itself (text holding {, } "
                    + "or a line break, its backslash escapes decoded), as in vLLM.")
            .whenAbsent("the model's");

    static final Setting<Boolean> ENABLE_AUTO_TOOL_CHOICE = toggle("--enable-auto-tool-choice",
            "vela.enable-auto-tool-choice")
            .help("Let the model decide whether to call tools (tool_choice \"auto\", the default when a request sends "
                    + "tools); needs --tool-call-parser. \"required\" and named tools need no flag.");

    static final Setting<String> TOOL_CALL_PARSER = option("--tool-call-parser", "vela.tool-call-parser", Type.text())
            .label("NAME")
            .help("How calls are read from answers with --enable-auto-tool-choice: hermes (Qwen2.5, Qwen3: "
                    + "<tool_call>{...}</tool_call>) or deepseek_v3 (the form the DeepSeek-R1 templates render).")
            .whenAbsent("none");

    static final Setting<Boolean> DISABLE_FASTAPI_DOCS = toggle("--disable-fastapi-docs", "vela.disable-fastapi-docs")
            .help("Serve no /docs, /openapi and /openapi.json.");

    static final Setting<String> UVICORN_LOG_LEVEL = option("--uvicorn-log-level", "vela.uvicorn-log-level",
            Type.oneOf("critical", "error", "warning", "info", "debug", "trace")).label("LEVEL")
            .help("critical, error, warning, info, debug or trace: Vela's log level.").byDefault("info");

    static final Setting<Boolean> DISABLE_UVICORN_ACCESS_LOG = toggle("--disable-uvicorn-access-log",
            "vela.disable-uvicorn-access-log")
            .help("Log no line per request.");

    static final Setting<Boolean> DISABLE_LOG_REQUESTS = toggle("--disable-log-requests", "vela.disable-log-requests")
            .help("Accepted for vLLM's command lines: Vela never logs prompts or outputs.");

    static final Setting<Boolean> TRUST_REMOTE_CODE = toggle("--trust-remote-code", "vela.trust-remote-code")
            .help("Accepted for vLLM's command lines: Vela runs no code from model repositories.");

    static final Setting<Long> MAX_REQUEST_BYTES = option("--max-request-bytes", "vela.max-request-bytes",
            Type.positiveSize("a positive size in bytes such as 33554432 or 32MiB")).label("SIZE")
            .help("Vela: larger request bodies are refused with 413.").byDefault("32MiB");

    static final Setting<Integer> SHUTDOWN_TIMEOUT = option("--shutdown-timeout", "vela.shutdown-timeout",
            Type.nonNegative("a number of seconds (0 or more)")).label("SECONDS")
            .help("Vela: on SIGTERM, how long running requests may take to finish.").byDefault("30");

    static final Setting<Integer> TIMEOUT_KEEP_ALIVE = option("--timeout-keep-alive", "vela.timeout-keep-alive",
            Type.positive("a positive number of seconds")).label("SECONDS")
            .help("Close a connection that has sent no request for this long (uvicorn's option; "
                    + "VLLM_HTTP_TIMEOUT_KEEP_ALIVE sets it too).")
            .fallback("VLLM_HTTP_TIMEOUT_KEEP_ALIVE").byDefault("5");

    static final Setting<Integer> READ_TIMEOUT = option("--read-timeout", "vela.read-timeout",
            Type.positive("a positive number of seconds")).label("SECONDS")
            .help("Vela: a request's head must arrive within this time of its first byte, and its body may pause no "
                    + "longer; else 400 and the connection closes.")
            .byDefault("30");

    static final Setting<Integer> MAX_CONNECTIONS = option("--max-connections", "vela.max-connections",
            Type.nonNegative("a number of connections (0: derived)")).label("N")
            .help("Vela: open connections at most; further clients wait to be accepted. 0 derives it from the "
                    + "process's file descriptor limit.")
            .byDefault("0");

    static final Setting<String> STREAM_WRITE_TIMEOUT = keyOnly("vela.stream-write-timeout", Type.text())
            .help("Seconds one write of a streamed answer may wait for a client that does not read; past it the "
                    + "request is cancelled and its connection closed (the REST adapter checks the value).")
            .byDefault("30");

    static final Setting<String> CACHE_DIR = keyOnly("vela.cache-dir", Type.text())
            .help("The demo model, and the CPU runner's packed weights (packed/).").whenAbsent("~/.cache/vela");

    /** Every setting, in the order of {@code --help}. */
    static final List<Setting<?>> ALL = List.of(MODEL, TOKENIZER, SERVED_MODEL_NAME, REVISION, DOWNLOAD_DIR, MAX_MODEL_LEN, HOST,
            PORT, API_KEY, DEVICE, CPU_RUNNER, CPU_THREADS, DTYPE, QUANTIZATION, TENSOR_PARALLEL_SIZE, GPU_MEMORY_UTILIZATION,
            KV_CACHE_MEMORY, BLOCK_SIZE, ENABLE_PREFIX_CACHING, MAX_NUM_SEQS, MAX_NUM_BATCHED_TOKENS, GENERATION_CONFIG,
            MAX_LOGPROBS, REASONING_PARSER, THINKING_TOKEN_BUDGET, CHAT_TEMPLATE, TRUST_REQUEST_CHAT_TEMPLATE,
            ENABLE_AUTO_TOOL_CHOICE, TOOL_CALL_PARSER,
            DISABLE_FASTAPI_DOCS, UVICORN_LOG_LEVEL, DISABLE_UVICORN_ACCESS_LOG, DISABLE_LOG_REQUESTS,
            TRUST_REMOTE_CODE, MAX_REQUEST_BYTES, SHUTDOWN_TIMEOUT, TIMEOUT_KEEP_ALIVE, READ_TIMEOUT, MAX_CONNECTIONS,
            STREAM_WRITE_TIMEOUT, CACHE_DIR);

    private SettingsTable() {
    }

    /** The settings with a flag. */
    static List<Setting<?>> flags() {
        return ALL.stream().filter(setting -> !setting.flags().isEmpty()).toList();
    }

    /** Each flag's config key (aliases and negated forms are the flag's). */
    static Map<String, String> keys() {
        Map<String, String> keys = new LinkedHashMap<>();
        flags().forEach(setting -> keys.put(setting.flag(), setting.key()));
        return keys;
    }

    /** The defaults MicroProfile Config sees, below every other source. */
    static Map<String, String> defaults() {
        Map<String, String> defaults = new LinkedHashMap<>();
        ALL.stream().filter(Setting::defaultInConfig).forEach(setting -> defaults.put(setting.key(), setting.defaultValue()));
        return defaults;
    }
}
