package dev.vela.adapters.gpu.tp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vela.adapters.gpu.reference.CpuBackend;
import dev.vela.adapters.gpu.reference.CpuCollective;
import dev.vela.adapters.gpu.reference.CpuReferenceRunner;
import dev.vela.adapters.gpu.tp.TinyModels.Model;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.application.port.out.SequenceSlice;
import dev.vela.domain.model.ModelConfig;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A step that wants more logits rows than the engine reserved (prompt logprobs) takes several
 * lm_head passes of the reserved rows, on the CPU reference at tp=2.
 */
class LogitPassesTest {

    private static final int BLOCK_SIZE = 4;
    private static final int[] TABLE = {2, 0, 1};
    private static SafetensorsModelWeights weights;
    private static ModelConfig config;
    private static ShardPlan plan;
    private static long pitch;

    @BeforeAll
    static void open() {
        weights = TinyModels.weights(Model.TINY_F32);
        config = TinyModels.directory(Model.TINY_F32).config();
        plan = new ShardPlan(config, 2);
        pitch = (long) plan.paddedVocab() * Float.BYTES;
    }

    @AfterAll
    static void close() {
        weights.close();
    }

    /** A 9-token prompt wanting the logits of its last 8 positions. */
    private static StepBatch promptWithLogprobs() {
        int[] prompt = TinyModels.prompt(8, 9, config.vocabSize());
        return StepBatch.of(List.of(new SequenceSlice(1, prompt, 0, TABLE, 1)), BLOCK_SIZE, 8, config.vocabSize(),
                config.maxPositionEmbeddings());
    }

    /** The logits of {@link #promptWithLogprobs} on an engine that reserved {@code rows} rows per pass. */
    private static float[][] logits(int rows) {
        try (CpuBackend backend = new CpuBackend(ElementType.F32, 1L << 24);
             Qwen2TpEngine engine = engine(backend, rows)) {
            StepBatch step = promptWithLogprobs();
            MemorySegment host = backend.allocateHost(step.rows() * pitch);
            engine.forward(step, host, pitch, StepWatch.startingNow(CpuReferenceRunner.DEFAULT_STEP_TIMEOUT));
            float[][] gathered = new float[step.rows()][config.vocabSize()];
            for (int r = 0; r < gathered.length; r++) {
                MemorySegment.copy(host, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), r * pitch,
                        gathered[r], 0, gathered[r].length);
            }
            return gathered;
        }
    }

    private static Qwen2TpEngine engine(CpuBackend backend, int rows) {
        Qwen2TpEngine engine = Qwen2TpEngine.load(plan, new int[] {0, 1}, backend,
                CpuCollective.forWorkers(2, 1).getFirst(), new ModelWeightsSource(weights));
        engine.reserve(16, rows);
        engine.allocateKvCache(BLOCK_SIZE, 8);
        return engine;
    }

    @Test
    void passesOfThreeRowsGiveTheLogitsOfOnePassOfEight() {
        float[][] onePass = logits(8);
        float[][] threePasses = logits(3);
        assertEquals(8, onePass.length);
        for (int r = 0; r < onePass.length; r++) {
            assertArrayEquals(onePass[r], threePasses[r], "row " + r);
        }
    }

    @Test
    void moreRowsThanReservedLeaveTheWorkspaceAsItWas() {
        try (CpuBackend backend = new CpuBackend(ElementType.F32, 1L << 24);
             Qwen2TpEngine engine = engine(backend, 3)) {
            MemorySegment host = backend.allocateHost(8 * pitch);
            StepBatch warmUp = StepBatch.of(List.of(SequenceSlice.of(2, new int[] {5}, 0, TABLE, true)), BLOCK_SIZE, 8,
                    config.vocabSize(), config.maxPositionEmbeddings());
            engine.forward(warmUp, host, pitch, StepWatch.startingNow(CpuReferenceRunner.DEFAULT_STEP_TIMEOUT));
            long free = backend.freeMemory();
            engine.forward(promptWithLogprobs(), host, pitch,
                    StepWatch.startingNow(CpuReferenceRunner.DEFAULT_STEP_TIMEOUT));
            assertEquals(free, backend.freeMemory());
        }
    }
}
