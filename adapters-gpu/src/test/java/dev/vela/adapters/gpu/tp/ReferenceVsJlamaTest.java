package dev.vela.adapters.gpu.tp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.cpu.JlamaModelRunner;
import dev.vela.adapters.gpu.reference.CpuReferenceRunner;
import dev.vela.adapters.gpu.reference.RelativeL2;
import dev.vela.adapters.gpu.tp.TinyModels.Model;
import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The tensor-parallel engine at tp=1 on the CPU reference backend against the CPU adapter (Jlama)
 * on the same files: an independent check of the neox rotary embedding, the q/k/v biases, GQA,
 * RMSNorm's epsilon and the (tied) lm_head.
 */
class ReferenceVsJlamaTest {

    private static final int STEPS = 16;
    /** Measured: about 2e-7 (both fp32 on the same weights); Jlama's own test allows 1e-4 against float64. */
    private static final double TOLERANCE = 1e-5;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Model.class, names = {"TINY_F32", "TINY_TIED_F32"})
    void tp1LogitsAgreeWithJlama(Model model) {
        HfModelDirectory directory = TinyModels.directory(model);
        int[] prompt = TinyModels.prompt(3, 9, directory.config().vocabSize());
        List<float[]> jlama;
        try (JlamaModelRunner runner = JlamaModelRunner.load(directory.path(), directory.config(), 256)) {
            jlama = TinyModels.decode(runner, 1, prompt, STEPS, null, new int[0]);
        }
        List<float[]> ours;
        try (SafetensorsModelWeights weights = TinyModels.weights(model);
             TensorParallelModelRunner runner = CpuReferenceRunner.open(directory.config(),
                     new ModelWeightsSource(weights), 1, ElementType.F32, 1L << 20, false)) {
            runner.allocateKvCache(16, 0);
            ours = TinyModels.decode(runner, 1, prompt, STEPS, TinyModels.greedyTokens(jlama), TinyModels.identityTable(2));
        }
        assertArrayEquals(TinyModels.greedyTokens(jlama), TinyModels.greedyTokens(ours), "greedy tokens");
        for (int step = 0; step <= STEPS; step++) {
            double error = RelativeL2.between(ours.get(step), jlama.get(step));
            assertTrue(error <= TOLERANCE, "step " + step + ": relative L2 " + error);
        }
    }
}
