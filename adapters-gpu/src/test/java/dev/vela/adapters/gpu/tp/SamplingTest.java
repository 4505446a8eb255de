package dev.vela.adapters.gpu.tp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vela.adapters.gpu.reference.CpuBackend;
import dev.vela.adapters.gpu.reference.HashWeightSource;
import dev.vela.domain.model.ModelConfig;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Sampling on the host over logits gathered from vocab-parallel shards is sampling over the full
 * logits: the gathered rows are bit for bit the rows of the unsplit lm_head (padding dropped).
 */
class SamplingTest {

    /** 1000 tokens: at tp=4 the vocabulary pads to 1024 and the last rank holds 232 real rows. */
    private static final ModelConfig MODEL = new ModelConfig("Qwen2ForCausalLM", 32, 1, 4, 2, 8, 64, 1000, 128, 1e6,
            1e-6, false, "float32");
    private static final int ROWS = 5;

    @Test
    void logitsGatheredFromFourShardsAreTheUnsplitLogits() {
        float[][] full = logits(1);
        float[][] gathered = logits(4);
        for (int r = 0; r < ROWS; r++) {
            assertArrayEquals(full[r], gathered[r], "row " + r);
        }
    }

    @Test
    void seededSamplingOverGatheredShardsDrawsWhatItDrawsOverFullLogits() {
        float[][] full = logits(1);
        float[][] gathered = logits(4);
        for (int r = 0; r < ROWS; r++) {
            for (long seed = 0; seed < 20; seed++) {
                assertEquals(sample(full[r], 0.8, seed), sample(gathered[r], 0.8, seed), "row " + r + ", seed " + seed);
            }
        }
    }

    /** Logits of fixed hidden states through the lm_head split over {@code tp} ranks, gathered as the engine gathers them. */
    private static float[][] logits(int tp) {
        ShardPlan plan = new ShardPlan(MODEL, tp);
        HashWeightSource weights = new HashWeightSource(MODEL, 77);
        int h = MODEL.hiddenSize();
        long pitch = (long) plan.paddedVocab() * Float.BYTES;
        try (CpuBackend backend = new CpuBackend(ElementType.F32, 1L << 30)) {
            MemorySegment host = backend.allocateHost(ROWS * pitch);
            Tensor hidden = backend.allocate(ElementType.F32, (long) ROWS * h);
            float[] values = new float[ROWS * h];
            SplittableRandom random = new SplittableRandom(5);
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            backend.upload(values, hidden);
            for (int rank = 0; rank < tp; rank++) {
                ShardedTensor spec = plan.lmHead(rank);
                Tensor head = backend.allocate(ElementType.F32, spec.elements());
                backend.fill(head, 0.0f);
                weights.load(backend, spec, head);
                Tensor out = backend.allocate(ElementType.F32, (long) ROWS * plan.vocabPerRank());
                backend.gemm(hidden, head, out, ROWS, h, plan.vocabPerRank());
                backend.downloadLogits(out, ROWS, plan.vocabPerRank(), host, (long) plan.vocabStart(rank) * Float.BYTES, pitch);
            }
            float[][] rows = new float[ROWS][MODEL.vocabSize()];
            for (int r = 0; r < ROWS; r++) {
                MemorySegment.copy(host, ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), r * pitch,
                        rows[r], 0, MODEL.vocabSize());
            }
            return rows;
        }
    }

    /** A plain softmax draw at {@code temperature} from a seeded generator. */
    private static int sample(float[] logits, double temperature, long seed) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] weights = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            weights[i] = Math.exp((logits[i] - max) / temperature);
            sum += weights[i];
        }
        double u = new SplittableRandom(seed).nextDouble() * sum;
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u <= 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
