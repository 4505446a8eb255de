package dev.vela.bootstrap;

import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.HfTokenizer;
import dev.vela.adapters.hf.JinjavaChatTemplates;
import dev.vela.application.engine.Engine;
import dev.vela.application.engine.EngineConfig;
import dev.vela.application.port.in.ChatUseCase;
import dev.vela.application.port.in.CompletionUseCase;
import dev.vela.application.port.in.ListModelsUseCase;
import dev.vela.application.port.in.TokenizeUseCase;
import dev.vela.application.port.out.ChatTemplates;
import dev.vela.application.port.out.EngineObserver;
import dev.vela.application.port.out.RunnerInfo;
import dev.vela.application.service.ChatService;
import dev.vela.application.service.CompletionService;
import dev.vela.application.service.ModelsService;
import dev.vela.application.service.RequestTemplatePolicy;
import dev.vela.application.service.ServedModel;
import dev.vela.application.service.TokenizeService;
import dev.vela.domain.budget.TokenBudget;
import dev.vela.domain.generation.GenerationConfig;
import dev.vela.domain.model.ModelCard;
import dev.vela.domain.model.ModelConfig;
import dev.vela.domain.sampling.SamplingParams;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * Everything that serves one model, built from the settings: the model directory's text side
 * (adapters-hf), the model runner (adapters-cpu or adapters-gpu), the engine and the use cases. Each stage logs a
 * line, so a slow start shows where it is.
 */
final class ServingStack implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServingStack.class.getName());

    final ServedModel served;
    final Engine engine;
    final ListModelsUseCase models;
    final CompletionUseCase completions;
    final ChatUseCase chat;
    final TokenizeUseCase tokenize;
    private final HfTokenizer tokenizer;
    private final RunnerChoice.Loaded loaded;

    private ServingStack(ServedModel served, HfTokenizer tokenizer, ChatTemplates templates,
                         RequestTemplatePolicy templatePolicy, RunnerChoice.Loaded loaded, Engine engine,
                         boolean splitReasoning) {
        this.served = served;
        this.tokenizer = tokenizer;
        this.loaded = loaded;
        this.engine = engine;
        this.models = new ModelsService(served);
        this.completions = new CompletionService(served, tokenizer, engine);
        this.chat = new ChatService(served, tokenizer, templates, templatePolicy, engine, splitReasoning);
        this.tokenize = new TokenizeService(served, tokenizer, templates, templatePolicy);
    }

    /** Loads the model in {@code source} and starts the engine, which reports to {@code observers}. */
    static ServingStack start(VelaSettings settings, ModelSource source, List<EngineObserver> observers) {
        HfModelDirectory model = source.directory();
        if (settings.maxLogprobs() != SamplingParams.MAX_LOGPROBS) {
            LOG.info("--max-logprobs " + settings.maxLogprobs() + " is not used: requests may ask for up to "
                    + SamplingParams.MAX_LOGPROBS + " log-probabilities");
        }
        LOG.info("Loading the tokenizer (" + model.tokenizerJson().getFileName() + ")");
        HfTokenizer tokenizer = HfTokenizer.load(model.tokenizerJson());
        try {
            return start(settings, source.root(), model, tokenizer, observers);
        } catch (RuntimeException e) {
            tokenizer.close();
            throw e;
        }
    }

    private static ServingStack start(VelaSettings settings, String root, HfModelDirectory model, HfTokenizer tokenizer,
                                      List<EngineObserver> observers) {
        ModelConfig config = model.config();
        ChatTemplates templates = JinjavaChatTemplates.forModel(model.chatTemplate());
        LOG.info("Loading the weights: " + model.modelFiles().size() + " file(s), " + size(model.modelFiles()) + ", "
                + config.dtype() + ", " + config.numLayers() + " layers, hidden size " + config.hiddenSize());
        RunnerChoice.Loaded loaded = RunnerChoice.load(settings, model);
        int maxModelLen = loaded.maxModelLen();
        RunnerInfo info = loaded.runner().info();
        GenerationConfig generation = "vllm".equals(settings.generationConfig())
                ? model.generationConfig().withoutModelDefaults()
                : model.generationConfig();
        ModelCard card = new ModelCard(settings.servedName(), root, maxModelLen,
                System.currentTimeMillis() / 1000, "vela", info.quantization());
        ServedModel served = new ServedModel(card, generation, new TokenBudget(maxModelLen), info.vocabularySize());
        LOG.info("Starting the engine: max-model-len " + maxModelLen + ", max-num-seqs " + settings.maxNumSeqs()
                + ", max-num-batched-tokens " + settings.maxNumBatchedTokens() + ", block size " + settings.blockSize()
                + ", KV cache " + (settings.kvCacheMemoryBytes() == 0 ? "sized by the runner" : settings.kvCacheMemoryBytes() + " bytes")
                + ", prefix caching " + (settings.prefixCaching() ? "on" : "off"));
        Engine engine;
        try {
            engine = new Engine(loaded.runner(), tokenizer, new EngineConfig(maxModelLen, settings.maxNumSeqs(),
                    settings.maxNumBatchedTokens(), settings.blockSize(), settings.kvCacheMemoryBytes(),
                    settings.prefixCaching()), observers);
        } catch (IllegalArgumentException e) {
            loaded.close();
            throw new StartupException(e.getMessage(), e);
        }
        return new ServingStack(served, tokenizer, templates,
                new RequestTemplatePolicy(settings.trustRequestChatTemplate()), loaded, engine,
                settings.reasoningParser().isPresent());
    }

    private static String size(List<Path> files) {
        long bytes = 0;
        for (Path file : files) {
            try {
                bytes += Files.size(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return bytes >= 1L << 30 ? String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30))
                : String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
    }

    /** One line for the start-up log: engine, dtype, and the quantization where the weights are quantized. */
    String engineDescription() {
        RunnerInfo info = loaded.runner().info();
        return "engine " + info.engine() + ", dtype " + info.dtype()
                + ("none".equals(info.quantization()) ? "" : ", quantization " + info.quantization());
    }

    RunnerInfo runnerInfo() {
        return loaded.runner().info();
    }

    @Override
    public void close() {
        engine.close();
        loaded.close();
        tokenizer.close();
    }
}
