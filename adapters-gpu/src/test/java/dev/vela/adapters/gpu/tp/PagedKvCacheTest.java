package dev.vela.adapters.gpu.tp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.gpu.reference.CpuReferenceRunner;
import dev.vela.adapters.gpu.reference.RelativeL2;
import dev.vela.adapters.gpu.tp.TinyModels.Model;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.application.port.out.SequenceSlice;
import dev.vela.domain.model.ModelConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The paged KV cache as the engine's block tables lay it out, on the CPU reference at tp=2. */
class PagedKvCacheTest {

    private static final int BLOCK_SIZE = 4;
    private static SafetensorsModelWeights weights;
    private static ModelConfig config;

    @BeforeAll
    static void open() {
        weights = TinyModels.weights(Model.TINY_F32);
        config = TinyModels.directory(Model.TINY_F32).config();
    }

    @AfterAll
    static void close() {
        weights.close();
    }

    private static TensorParallelModelRunner runner() {
        TensorParallelModelRunner runner = CpuReferenceRunner.open(config, new ModelWeightsSource(weights), 2,
                ElementType.F32, 1L << 20, false);
        runner.allocateKvCache(BLOCK_SIZE, 0);
        return runner;
    }

    @Test
    void scatteredBlocksGiveTheLogitsOfContiguousOnes() {
        int[] prompt = TinyModels.prompt(1, 13, config.vocabSize());
        List<float[]> contiguous;
        List<float[]> scattered;
        try (TensorParallelModelRunner runner = runner()) {
            contiguous = TinyModels.decode(runner, 1, prompt, 8, null, TinyModels.identityTable(6));
        }
        try (TensorParallelModelRunner runner = runner()) {
            scattered = TinyModels.decode(runner, 1, prompt, 8, TinyModels.greedyTokens(contiguous), new int[] {40, 3, 17, 8, 29, 1});
        }
        for (int step = 0; step < contiguous.size(); step++) {
            assertArrayEquals(contiguous.get(step), scattered.get(step), "step " + step);
        }
    }

    @Test
    void aPromptInChunksGivesTheLogitsOfThePromptAtOnce() {
        int[] prompt = TinyModels.prompt(2, 14, config.vocabSize());
        int[] table = {5, 9, 2, 7};
        float[] whole;
        List<float[]> chunked;
        try (TensorParallelModelRunner runner = runner()) {
            whole = TinyModels.step(runner, List.of(SequenceSlice.of(1, prompt, 0, table, true))).getFirst();
        }
        try (TensorParallelModelRunner runner = runner()) {
            assertEquals(0, TinyModels.step(runner, List.of(SequenceSlice.of(1, Arrays.copyOf(prompt, 6), 0, table, false))).size());
            chunked = TinyModels.step(runner, List.of(SequenceSlice.of(1, Arrays.copyOfRange(prompt, 6, 14), 6, table, true)));
        }
        assertArrayEquals(whole, chunked.getFirst());
    }

    @Test
    void promptLogitsRowsEqualTheLogitsOfFeedingTokenByToken() {
        int[] prompt = TinyModels.prompt(3, 9, config.vocabSize());
        int[] table = {3, 0, 6};
        List<float[]> rows;
        List<float[]> oneByOne = new ArrayList<>();
        try (TensorParallelModelRunner runner = runner()) {
            rows = TinyModels.step(runner, List.of(new SequenceSlice(1, prompt, 0, table, 2)));
        }
        try (TensorParallelModelRunner runner = runner()) {
            for (int p = 0; p < prompt.length; p++) {
                List<float[]> row = TinyModels.step(runner, List.of(SequenceSlice.of(1, new int[] {prompt[p]}, p, table, true)));
                if (p >= 2) {
                    oneByOne.add(row.getFirst());
                }
            }
        }
        assertEquals(7, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            assertTrue(RelativeL2.between(rows.get(i), oneByOne.get(i)) < 1e-6, "row " + i);
        }
    }

    @Test
    void sequencesBatchedTogetherGetTheLogitsTheyGetAlone() {
        int[] first = TinyModels.prompt(4, 10, config.vocabSize());
        int[] second = TinyModels.prompt(5, 5, config.vocabSize());
        float[] firstAlone;
        float[] secondAlone;
        List<float[]> together;
        try (TensorParallelModelRunner runner = runner()) {
            firstAlone = TinyModels.step(runner, List.of(SequenceSlice.of(1, first, 0, new int[] {0, 1, 2}, true))).getFirst();
            secondAlone = TinyModels.step(runner, List.of(SequenceSlice.of(2, second, 0, new int[] {3, 4}, true))).getFirst();
        }
        try (TensorParallelModelRunner runner = runner()) {
            together = TinyModels.step(runner, List.of(SequenceSlice.of(2, second, 0, new int[] {8, 6}, true),
                    SequenceSlice.of(1, first, 0, new int[] {7, 5, 9}, true)));
        }
        assertArrayEquals(secondAlone, together.get(0));
        assertArrayEquals(firstAlone, together.get(1));
    }

    @Test
    void aBlockOutsideTheCacheIsRefusedNamingTheSequence() {
        try (TensorParallelModelRunner runner = runner()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TinyModels.step(runner, List.of(SequenceSlice.of(7, new int[] {1, 2}, 0, new int[] {1 << 20}, true))));
            assertTrue(e.getMessage().startsWith("sequence 7 names KV block 1048576, outside the cache of "), e.getMessage());
        }
    }

    @Test
    void aBlockTableTooShortForTheSliceIsRefused() {
        try (TensorParallelModelRunner runner = runner()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TinyModels.step(runner, List.of(SequenceSlice.of(3, new int[] {1, 2, 3, 4, 5}, 0, new int[] {0}, true))));
            assertEquals("sequence 3 reaches position 5 but its block table holds 1 blocks of 4 positions", e.getMessage());
        }
    }

    @Test
    void aSliceWithoutABlockTableIsRefused() {
        try (TensorParallelModelRunner runner = runner()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TinyModels.step(runner, List.of(SequenceSlice.of(4, new int[] {1, 2}, 0, new int[0], true))));
            assertEquals("sequence 4 reaches position 2 but its block table holds 0 blocks of 4 positions", e.getMessage());
        }
    }

    @Test
    void theCacheHoldsAsManyBlocksAsTheBudgetAllows() {
        try (TensorParallelModelRunner runner = CpuReferenceRunner.open(config, new ModelWeightsSource(weights), 2,
                ElementType.F32, 1L << 20, false)) {
            // per block: k and v, 2 ranks, 2 layers, 4 positions, 1 KV head of 16, 4 bytes
            assertEquals(1_000_000 / 2048, runner.allocateKvCache(BLOCK_SIZE, 1_000_000));
        }
    }
}
