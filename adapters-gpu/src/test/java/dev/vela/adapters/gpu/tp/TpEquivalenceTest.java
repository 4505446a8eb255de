package dev.vela.adapters.gpu.tp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.gpu.reference.CpuReferenceRunner;
import dev.vela.adapters.gpu.reference.RelativeL2;
import dev.vela.adapters.gpu.tp.TinyModels.Model;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.domain.model.ModelConfig;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The tensor-parallel maths on the CPU: splitting heads, MLP rows and the vocabulary over 2 or 4
 * ranks (4 replicates the tiny model's 2 KV heads), with the all-reduces in between, gives the
 * logits of the unsplit model over a prefill and 16 decode steps with a paged, scattered KV cache.
 */
class TpEquivalenceTest {

    private static final int PROMPT = 11;
    private static final int STEPS = 16;
    private static final int BLOCK_SIZE = 4;
    /** 27 positions in blocks of 4, scattered over the cache. */
    private static final int[] BLOCK_TABLE = {13, 2, 9, 0, 5, 11, 7};
    private static final double TOLERANCE = 1e-5;
    private static final long MEMORY = 4L << 20;

    @ParameterizedTest(name = "{0} tp={1} thread per rank: {2}")
    @CsvSource({
        "TINY_F32, 2, false",
        "TINY_F32, 4, false",
        "TINY_F32, 2, true",
        "TINY_F32, 4, true",
        "TINY_TIED_F32, 4, false",
        "TINY_BF16, 4, false",
    })
    void tensorParallelRanksGiveTheLogitsOfOneRank(Model model, int tp, boolean threadPerRank) {
        ModelConfig config = TinyModels.directory(model).config();
        int[] prompt = TinyModels.prompt(7, PROMPT, config.vocabSize());
        try (SafetensorsModelWeights weights = TinyModels.weights(model)) {
            List<float[]> expected;
            try (TensorParallelModelRunner one = CpuReferenceRunner.open(config, new ModelWeightsSource(weights), 1,
                    ElementType.F32, MEMORY, false)) {
                one.allocateKvCache(BLOCK_SIZE, 0);
                expected = TinyModels.decode(one, 1, prompt, STEPS, null, BLOCK_TABLE);
            }
            List<float[]> actual;
            try (TensorParallelModelRunner split = CpuReferenceRunner.open(config, new ModelWeightsSource(weights), tp,
                    ElementType.F32, MEMORY, threadPerRank)) {
                split.allocateKvCache(BLOCK_SIZE, 0);
                actual = TinyModels.decode(split, 1, prompt, STEPS, TinyModels.greedyTokens(expected), BLOCK_TABLE);
            }
            assertEquals(STEPS + 1, actual.size());
            for (int step = 0; step < expected.size(); step++) {
                double error = RelativeL2.between(actual.get(step), expected.get(step));
                assertTrue(error <= TOLERANCE, "step " + step + ": relative L2 " + error);
            }
        }
    }
}
