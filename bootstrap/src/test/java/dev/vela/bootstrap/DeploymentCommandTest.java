package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.vela.adapters.gpu.Cuda;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.domain.model.ModelConfig;
import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The brief's deployment command, with only the launcher changed, starts a server on a model whose
 * positions allow 8192 tokens: the flags show in /v1/models and in the one line that ends
 * start-up. (Only the port is swapped for a free one, so the test can run anywhere.) With
 * {@code --device} left at auto the command runs on the CPU only where no CUDA device answers;
 * where one does, it starts the GPU runner, which this test does not describe.
 */
class DeploymentCommandTest {

    private static final String SERVED = "DeepSeek-R1-Distill-Qwen-32B";
    private static List<String> startUpLog;
    private static List<String> stackLog;
    private static List<String> runnerLog;
    private static TestClient client;

    @BeforeAll
    static void startWithTheDeploymentCommand(@TempDir Path temp) {
        assumeFalse(Cuda.probe().available(), "a CUDA device answers: the command would start the GPU runner");
        ModelConfig tiny = ModelPreset.TINY.config(WeightType.FLOAT32);
        ModelConfig longContext = new ModelConfig(tiny.architecture(), tiny.hiddenSize(), tiny.numLayers(), tiny.numHeads(),
                tiny.numKvHeads(), tiny.headDim(), tiny.intermediateSize(), tiny.vocabSize(), 16_384, tiny.ropeTheta(),
                tiny.rmsNormEps(), tiny.tieWordEmbeddings(), tiny.dtype());
        Path model = RandomModelWriter.write(longContext, 5, temp.resolve("DeepSeek-R1-Distill-Qwen-32B"));
        String[] command = CommandLineTest.DEPLOYMENT.clone();
        command[Arrays.asList(command).indexOf("--model") + 1] = model.toString();
        Map<String, String> settings = new LinkedHashMap<>(CommandLineTest.parse(command));
        settings.put("server.port", "0");
        try (LogCapture server = new LogCapture(VelaServer.class.getName());
             LogCapture stack = new LogCapture(ServingStack.class.getName());
             LogCapture runner = new LogCapture(RunnerChoice.class.getName())) {
            client = new TestClient(VelaServerExtension.start(settings).port());
            startUpLog = server.messages();
            stackLog = stack.messages();
            runnerLog = runner.messages();
        }
    }

    @Test
    void modelsShowsTheServedNameAndMaxModelLen() {
        JsonObject model = client.get("/v1/models").json().getJsonArray("data").getJsonObject(0);
        assertEquals(SERVED, model.getString("id"));
        assertEquals(8192, model.getInt("max_model_len"));
    }

    @Test
    void startUpEndsWithOneLineNamingUrlModelEngineAndMaxModelLen() {
        String url = "http://localhost:" + client.port();
        assertEquals("Vela serving " + SERVED + " at " + url + "/v1 (engine cpu/panama, dtype float32, max-model-len 8192); "
                + "API docs at " + url + "/docs", startUpLog.getLast());
    }

    @Test
    void gpuOnlyFlagsAreAcceptedAndSaidToBeUnusedOnTheCpu() {
        assertTrue(runnerLog.contains("A CPU runner does not use --tensor-parallel-size 4 or --gpu-memory-utilization 0.9 "
                + "(GPU runner settings)"), runnerLog.toString());
    }

    @Test
    void startUpShowsEachStage() {
        assertTrue(stackLog.stream().anyMatch(line -> line.startsWith("Loading the tokenizer")), stackLog.toString());
        assertTrue(stackLog.stream().anyMatch(line -> line.startsWith("Loading the weights: 1 file(s)")), stackLog.toString());
        assertTrue(stackLog.stream().anyMatch(line -> line.startsWith("Starting the engine: max-model-len 8192")),
                stackLog.toString());
    }
}
