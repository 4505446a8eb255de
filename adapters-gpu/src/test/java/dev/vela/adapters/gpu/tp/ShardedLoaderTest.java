package dev.vela.adapters.gpu.tp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.gpu.reference.CpuBackend;
import dev.vela.adapters.gpu.reference.HashWeightSource;
import dev.vela.adapters.gpu.tp.TinyModels.Model;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.application.port.out.ModelWeights;
import dev.vela.application.port.out.WeightTensor;
import dev.vela.domain.model.ModelConfig;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each rank's weights, loaded region by region from the memory-mapped files (row-parallel slices
 * through the emulated 2-D copy), equal the slices the Megatron split describes, taken from the
 * whole tensors in memory.
 */
class ShardedLoaderTest {

    private static final int TP = 4;

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Model.class, names = {"TINY_F32", "TINY_BF16", "TINY_TIED_F32"})
    void everyRanksWeightsAreTheSlicesOfTheWholeTensors(Model model) {
        ModelConfig c = TinyModels.directory(model).config();
        ShardPlan plan = new ShardPlan(c, TP);
        int d = c.headDim();
        int h = c.hiddenSize();
        int group = c.queriesPerKvHead();
        try (SafetensorsModelWeights weights = TinyModels.weights(model); CpuBackend backend = new CpuBackend(ElementType.F32, 1L << 30)) {
            WeightSource source = new ModelWeightsSource(weights);
            for (int rank = 0; rank < TP; rank++) {
                int layer = 1;
                String p = "model.layers." + layer + ".";
                float[][] q = whole(weights, p + "self_attn.q_proj.weight");
                float[][] k = whole(weights, p + "self_attn.k_proj.weight");
                float[][] v = whole(weights, p + "self_attn.v_proj.weight");
                float[][] o = whole(weights, p + "self_attn.o_proj.weight");
                float[][] gate = whole(weights, p + "mlp.gate_proj.weight");
                float[][] up = whole(weights, p + "mlp.up_proj.weight");
                float[][] down = whole(weights, p + "mlp.down_proj.weight");
                float[][] head = whole(weights, c.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight");

                int qHead = rank * c.numHeads() / TP;
                int kvHead = qHead / group;
                float[][] expectedQkv = new float[3 * d][];
                for (int i = 0; i < d; i++) {
                    expectedQkv[i] = q[qHead * d + i];
                    expectedQkv[d + i] = k[kvHead * d + i];
                    expectedQkv[2 * d + i] = v[kvHead * d + i];
                }
                assertLoaded(expectedQkv, backend, source, plan.qkv(rank, layer), "qkv of rank " + rank);

                float[][] expectedO = new float[h][];
                for (int row = 0; row < h; row++) {
                    expectedO[row] = Arrays.copyOfRange(o[row], qHead * d, qHead * d + d);
                }
                assertLoaded(expectedO, backend, source, plan.oProj(rank, layer), "o_proj of rank " + rank);

                int share = c.intermediateSize() / TP;
                float[][] expectedGateUp = new float[2 * share][];
                for (int i = 0; i < share; i++) {
                    expectedGateUp[i] = gate[rank * share + i];
                    expectedGateUp[share + i] = up[rank * share + i];
                }
                assertLoaded(expectedGateUp, backend, source, plan.gateUp(rank, layer), "gate_up of rank " + rank);

                float[][] expectedDown = new float[h][];
                for (int row = 0; row < h; row++) {
                    expectedDown[row] = Arrays.copyOfRange(down[row], rank * share, rank * share + share);
                }
                assertLoaded(expectedDown, backend, source, plan.down(rank, layer), "down_proj of rank " + rank);

                int vocabShare = plan.vocabPerRank();
                float[][] expectedHead = new float[vocabShare][];
                for (int i = 0; i < vocabShare; i++) {
                    int id = rank * vocabShare + i;
                    expectedHead[i] = id < c.vocabSize() ? head[id] : new float[h];
                }
                assertLoaded(expectedHead, backend, source, plan.lmHead(rank), "lm_head of rank " + rank);
            }
        }
    }

    @Test
    void bfloat16WeightsReachABfloat16BackendUnchanged() {
        try (SafetensorsModelWeights weights = TinyModels.weights(Model.TINY_BF16);
             CpuBackend backend = new CpuBackend(ElementType.BF16, 1L << 30)) {
            ShardPlan plan = new ShardPlan(TinyModels.directory(Model.TINY_BF16).config(), 2);
            ShardedTensor down = plan.down(1, 0);
            Tensor loaded = backend.allocate(ElementType.BF16, down.elements());
            new ModelWeightsSource(weights).load(backend, down, loaded);
            float[] values = download(backend, loaded);
            float[][] whole = whole(weights, "model.layers.0.mlp.down_proj.weight");
            int share = (int) down.columns();
            for (int row = 0; row < down.rows(); row++) {
                for (int col = 0; col < share; col++) {
                    assertEquals(Float.floatToRawIntBits(whole[row][share + col]),
                            Float.floatToRawIntBits(values[row * share + col]));
                }
            }
        }
    }

    @Test
    void aTensorOfAnotherShapeThanTheConfigSaysIsRefusedNamingIt() {
        try (SafetensorsModelWeights weights = TinyModels.weights(Model.TINY_F32);
             CpuBackend backend = new CpuBackend(ElementType.F32, 1L << 30)) {
            ModelConfig real = TinyModels.directory(Model.TINY_F32).config();
            ModelConfig wider = new ModelConfig(real.architecture(), real.hiddenSize(), real.numLayers(), real.numHeads(),
                    real.numKvHeads(), real.headDim(), real.intermediateSize() * 2, real.vocabSize(),
                    real.maxPositionEmbeddings(), real.ropeTheta(), real.rmsNormEps(), false, real.dtype());
            ShardedTensor down = new ShardPlan(wider, 1).down(0, 0);
            Tensor loaded = backend.allocate(ElementType.F32, down.elements());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new ModelWeightsSource(weights).load(backend, down, loaded));
            assertEquals("model.layers.0.mlp.down_proj.weight has shape [64, 128], which does not hold rows [0, 64) of "
                    + "width 256 that config.json implies", e.getMessage());
        }
    }

    /** Generated weights do not depend on the split: every rank's slice is the slice of the whole generated tensor. */
    @Test
    void hashedWeightsOfEveryRankAreSlicesOfTheUnsplitHashedModel() {
        ModelConfig c = TinyModels.directory(Model.TINY_F32).config();
        HashWeightSource source = new HashWeightSource(c, 1234);
        try (CpuBackend backend = new CpuBackend(ElementType.BF16, 1L << 30)) {
            ShardPlan whole = new ShardPlan(c, 1);
            ShardPlan split = new ShardPlan(c, TP);
            float[] oWhole = load(backend, source, whole.oProj(0, 1));
            float[] gateUpWhole = load(backend, source, whole.gateUp(0, 1));
            int q = c.numHeads() * c.headDim();
            int share = c.intermediateSize() / TP;
            for (int rank = 0; rank < TP; rank++) {
                float[] o = load(backend, source, split.oProj(rank, 1));
                int width = q / TP;
                for (int row = 0; row < c.hiddenSize(); row++) {
                    for (int col = 0; col < width; col++) {
                        assertEquals(oWhole[row * q + rank * width + col], o[row * width + col]);
                    }
                }
                float[] gateUp = load(backend, source, split.gateUp(rank, 1));
                for (int i = 0; i < share * c.hiddenSize(); i++) {
                    assertEquals(gateUpWhole[rank * share * c.hiddenSize() + i], gateUp[i], "gate of rank " + rank);
                }
            }
            assertTrue(oWhole[0] != oWhole[1] && Float.isFinite(oWhole[0]), "random values");
        }
    }

    private static float[] load(Backend backend, WeightSource source, ShardedTensor spec) {
        Tensor tensor = backend.allocate(backend.activationType(), spec.elements());
        backend.fill(tensor, Float.NaN);
        source.load(backend, spec, tensor);
        return download(backend, tensor);
    }

    private static void assertLoaded(float[][] expected, Backend backend, WeightSource source, ShardedTensor spec, String what) {
        Tensor tensor = backend.allocate(ElementType.F32, spec.elements());
        backend.fill(tensor, spec.padded() ? 0.0f : Float.NaN);
        source.load(backend, spec, tensor);
        float[] actual = download(backend, tensor);
        assertEquals(expected.length, spec.rows(), what + " rows");
        for (int row = 0; row < expected.length; row++) {
            assertArrayEquals(expected[row], Arrays.copyOfRange(actual, row * (int) spec.columns(),
                    (row + 1) * (int) spec.columns()), what + ", row " + row);
        }
    }

    private static float[] download(Backend backend, Tensor tensor) {
        float[] values = new float[(int) tensor.elements()];
        backend.download(tensor, 0, values, 0, values.length);
        return values;
    }

    /** A whole 2-D tensor of the file, as floats. */
    private static float[][] whole(ModelWeights weights, String name) {
        WeightTensor tensor = weights.tensor(name);
        int rows = (int) tensor.dim(0);
        int columns = (int) tensor.dim(1);
        float[][] values = new float[rows][columns];
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < columns; col++) {
                long i = (long) r * columns + col;
                values[r][col] = switch (tensor.type()) {
                    case F32 -> tensor.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 4 * i);
                    case BF16 -> Float.intBitsToFloat((tensor.data().get(
                            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 2 * i) & 0xFFFF) << 16);
                    case F16, Q8_0, Q4_0 -> throw new AssertionError("test models are f32 or bf16");
                };
            }
        }
        return values;
    }
}
