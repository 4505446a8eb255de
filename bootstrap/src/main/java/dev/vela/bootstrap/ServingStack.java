package dev.vela.bootstrap;

import dev.vela.adapters.cpu.JlamaModelRunner;
import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.HfTokenizer;
import dev.vela.adapters.hf.JinjavaChatTemplates;
import dev.vela.application.engine.Engine;
import dev.vela.application.engine.EngineConfig;
import dev.vela.application.port.in.ChatUseCase;
import dev.vela.application.port.in.CompletionUseCase;
import dev.vela.application.port.in.ListModelsUseCase;
import dev.vela.application.port.out.ChatTemplates;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.RunnerInfo;
import dev.vela.application.port.out.Tokenizer;
import dev.vela.application.service.ChatService;
import dev.vela.application.service.CompletionService;
import dev.vela.application.service.ModelsService;
import dev.vela.application.service.ServedModel;
import dev.vela.domain.budget.TokenBudget;
import dev.vela.domain.generation.GenerationConfig;
import dev.vela.domain.model.ModelCard;
import dev.vela.domain.model.ModelConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * Everything that serves one model, built from the settings: the model directory's text side
 * (adapters-hf), the model runner (adapters-cpu), the engine and the use cases.
 */
final class ServingStack implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServingStack.class.getName());

    final ServedModel served;
    final Tokenizer tokenizer;
    final ModelRunner runner;
    final Engine engine;
    final ListModelsUseCase models;
    final CompletionUseCase completions;
    final ChatUseCase chat;

    private ServingStack(ServedModel served, Tokenizer tokenizer, ChatTemplates templates, ModelRunner runner,
                         Engine engine) {
        this.served = served;
        this.tokenizer = tokenizer;
        this.runner = runner;
        this.engine = engine;
        this.models = new ModelsService(served);
        this.completions = new CompletionService(served, tokenizer, engine);
        this.chat = new ChatService(served, tokenizer, templates, engine);
    }

    static ServingStack start(VelaSettings settings) {
        Path dir = settings.model().map(Path::of).orElseGet(() -> DemoModel.ensure(settings.cacheDir()));
        HfModelDirectory model = HfModelDirectory.open(dir);
        ModelConfig config = model.config();
        int maxModelLen = settings.maxModelLen().orElse(JlamaModelRunner.maxPositions(config));
        LOG.info("Loading " + dir + " (" + config.numLayers() + " layers, hidden " + config.hiddenSize() + ", "
                + config.dtype() + ")");
        ModelRunner runner = JlamaModelRunner.load(dir, config, maxModelLen);
        RunnerInfo info = runner.info();
        Tokenizer tokenizer = HfTokenizer.load(model.tokenizerJson());
        ChatTemplates templates = JinjavaChatTemplates.forModel(model.chatTemplate());
        GenerationConfig generation = "vllm".equals(settings.generationConfig())
                ? model.generationConfig().withoutModelDefaults()
                : model.generationConfig();
        String name = settings.servedModelName()
                .orElse(settings.model().orElse(DemoModel.name()));
        ModelCard card = new ModelCard(name, dir.toString(), maxModelLen, System.currentTimeMillis() / 1000, "vela");
        ServedModel served = new ServedModel(card, generation, new TokenBudget(maxModelLen), info.vocabularySize());
        Engine engine = new Engine(runner, tokenizer,
                EngineConfig.of(maxModelLen, settings.maxNumSeqs(), settings.maxNumBatchedTokens()), List.of());
        return new ServingStack(served, tokenizer, templates, runner, engine);
    }

    /** One line for the start-up log: engine and dtype. */
    String engineDescription() {
        RunnerInfo info = runner.info();
        return "engine " + info.engine() + ", dtype " + info.dtype();
    }

    @Override
    public void close() {
        engine.close();
        runner.close();
    }
}
