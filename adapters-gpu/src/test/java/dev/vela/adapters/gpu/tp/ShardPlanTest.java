package dev.vela.adapters.gpu.tp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.domain.model.ModelConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ShardPlanTest {

    /** The shapes the GPU adapter serves or is measured at, from their Hugging Face config.json. */
    enum Shape {
        QWEN2_5_32B(5120, 64, 40, 8, 128, 27648, 152064, false),
        QWEN2_5_7B(3584, 28, 28, 4, 128, 18944, 152064, false),
        QWEN2_5_1_5B(1536, 28, 12, 2, 128, 8960, 151936, true),
        TINY(64, 2, 4, 2, 16, 128, 512, false);

        final ModelConfig config;

        Shape(int hidden, int layers, int heads, int kvHeads, int headDim, int intermediate, int vocab, boolean tied) {
            config = new ModelConfig("Qwen2ForCausalLM", hidden, layers, heads, kvHeads, headDim, intermediate, vocab,
                    32768, 1e6, 1e-6, tied, "bfloat16");
        }

        /** The same head counts and tying at a size whose every element can be counted. */
        ModelConfig miniature() {
            return new ModelConfig("Qwen2ForCausalLM", 16, 1, config.numHeads(), config.numKvHeads(), 4, 48,
                    300 + config.numHeads(), 64, 1e6, 1e-6, config.tieWordEmbeddings(), "bfloat16");
        }
    }

    static Stream<Arguments> validPlans() {
        List<Arguments> plans = new ArrayList<>();
        for (Shape shape : Shape.values()) {
            for (int tp : new int[] {1, 2, 4, 8}) {
                if (shape.config.numHeads() % tp == 0) {
                    plans.add(Arguments.of(shape, tp));
                }
            }
        }
        return plans.stream();
    }

    @Test
    void theValidPlansAreTheOnesVllmAccepts() {
        assertEquals(List.of("QWEN2_5_32B/1", "QWEN2_5_32B/2", "QWEN2_5_32B/4", "QWEN2_5_32B/8",
                        "QWEN2_5_7B/1", "QWEN2_5_7B/2", "QWEN2_5_7B/4",
                        "QWEN2_5_1_5B/1", "QWEN2_5_1_5B/2", "QWEN2_5_1_5B/4",
                        "TINY/1", "TINY/2", "TINY/4"),
                validPlans().map(a -> a.get()[0] + "/" + a.get()[1]).toList());
    }

    @Test
    void the32bModelAtTp4HasTheDesignsPerRankShapes() {
        ShardPlan plan = new ShardPlan(Shape.QWEN2_5_32B.config, 4);
        assertEquals(10, plan.qHeadsPerRank());
        assertEquals(2, plan.kvHeadsPerRank());
        assertEquals(1, plan.kvHeadReplicas());
        assertShape(plan.qkv(3, 63), 1792, 5120);
        assertShape(plan.oProj(3, 63), 5120, 1280);
        assertShape(plan.gateUp(3, 63), 13824, 5120);
        assertShape(plan.down(3, 63), 5120, 6912);
        assertShape(plan.lmHead(3), 38016, 5120);
        assertEquals(152064, plan.paddedVocab(), "152064 is already a multiple of 256");
        assertEquals(List.of(0, 2, 4, 6), kvHeadsOfRanks(plan));
    }

    @Test
    void the32bModelAtTp8HoldsOneKvHeadPerRankWithoutReplication() {
        ShardPlan plan = new ShardPlan(Shape.QWEN2_5_32B.config, 8);
        assertEquals(5, plan.qHeadsPerRank());
        assertEquals(1, plan.kvHeadsPerRank());
        assertEquals(1, plan.kvHeadReplicas());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), kvHeadsOfRanks(plan));
        assertEquals(19008, plan.vocabPerRank());
    }

    @Test
    void the7bModelAtTp4HoldsSevenQueryHeadsAndOneKvHeadPerRank() {
        ShardPlan plan = new ShardPlan(Shape.QWEN2_5_7B.config, 4);
        assertEquals(7, plan.qHeadsPerRank());
        assertEquals(1, plan.kvHeadsPerRank());
        assertEquals(List.of(0, 1, 2, 3), kvHeadsOfRanks(plan));
        assertShape(plan.qkv(0, 0), 9 * 128, 3584);
        assertShape(plan.down(0, 0), 3584, 4736);
    }

    @Test
    void the1_5bModelAtTp4ReplicatesEachKvHeadOnTwoRanks() {
        ShardPlan plan = new ShardPlan(Shape.QWEN2_5_1_5B.config, 4);
        assertEquals(3, plan.qHeadsPerRank());
        assertEquals(1, plan.kvHeadsPerRank());
        assertEquals(2, plan.kvHeadReplicas());
        assertEquals(List.of(0, 0, 1, 1), kvHeadsOfRanks(plan));
        assertShape(plan.qkv(2, 0), 5 * 128, 1536);
        assertEquals(128, plan.qkv(2, 0).regions().get(1).sourceRow(), "rank 2 loads k rows of kv head 1");
    }

    @Test
    void the1_5bVocabularyIsPaddedToAMultipleOf64TimesTp() {
        assertEquals(151936, new ShardPlan(Shape.QWEN2_5_1_5B.config, 1).paddedVocab());
        assertEquals(151936, new ShardPlan(Shape.QWEN2_5_1_5B.config, 2).paddedVocab());
        ShardPlan tp4 = new ShardPlan(Shape.QWEN2_5_1_5B.config, 4);
        assertEquals(152064, tp4.paddedVocab());
        assertEquals(38016, tp4.vocabPerRank());
        assertEquals(List.of(38016, 38016, 38016, 37888),
                List.of(tp4.realVocabRows(0), tp4.realVocabRows(1), tp4.realVocabRows(2), tp4.realVocabRows(3)));
        assertTrue(tp4.lmHead(3).padded(), "the last rank's slice ends in 128 zero rows");
    }

    @Test
    void aTiedModelReadsItsLmHeadFromTheEmbedding() {
        ShardPlan plan = new ShardPlan(Shape.QWEN2_5_1_5B.config, 2);
        assertEquals("model.embed_tokens.weight", plan.lmHead(1).regions().getFirst().source());
        assertEquals(75968, plan.lmHead(1).regions().getFirst().sourceRow());
        assertEquals("lm_head.weight", new ShardPlan(Shape.QWEN2_5_7B.config, 2).lmHead(1).regions().getFirst().source());
    }

    @Test
    void theTinyModelAtTp4ReplicatesItsTwoKvHeads() {
        ShardPlan plan = new ShardPlan(Shape.TINY.config, 4);
        assertEquals(1, plan.qHeadsPerRank());
        assertEquals(List.of(0, 0, 1, 1), kvHeadsOfRanks(plan));
        assertEquals(512, plan.paddedVocab());
        assertShape(plan.qkv(1, 1), 48, 64);
        assertShape(plan.gateUp(1, 1), 64, 64);
    }

    @Test
    void rowParallelSlicesAreStridedAndColumnParallelSlicesContiguous() {
        ShardPlan plan = new ShardPlan(Shape.QWEN2_5_32B.config, 4);
        Region o = plan.oProj(1, 0).regions().getFirst();
        assertEquals(1280, o.sourceColumn());
        assertEquals(5120, o.sourceColumns());
        assertTrue(!o.contiguousInSource(), "o_proj's slice is a 2-D copy");
        assertTrue(plan.qkv(1, 0).regions().stream().allMatch(Region::contiguousInSource));
        assertTrue(plan.gateUp(1, 0).regions().stream().allMatch(Region::contiguousInSource));
        Region down = plan.down(2, 0).regions().getFirst();
        assertEquals(2 * 6912, down.sourceColumn());
        assertTrue(!down.contiguousInSource());
    }

    @ParameterizedTest(name = "{0} tp={1}")
    @MethodSource("validPlans")
    void everyQueryHeadFindsItsKvHeadOnItsOwnRank(Shape shape, int tp) {
        ShardPlan plan = new ShardPlan(shape.config, tp);
        int group = shape.config.queriesPerKvHead();
        for (int rank = 0; rank < tp; rank++) {
            for (int q = plan.firstQHead(rank); q < plan.firstQHead(rank) + plan.qHeadsPerRank(); q++) {
                int kv = q / group;
                assertTrue(kv >= plan.firstKvHead(rank) && kv < plan.firstKvHead(rank) + plan.kvHeadsPerRank(),
                        "rank " + rank + " q head " + q + " needs kv head " + kv);
            }
        }
    }

    @ParameterizedTest(name = "{0} tp={1}")
    @MethodSource("validPlans")
    void ranksSplitHeadsIntermediateAndVocabularyWithoutGapsOrOverlap(Shape shape, int tp) {
        ShardPlan plan = new ShardPlan(shape.config, tp);
        ModelConfig c = shape.config;
        assertEquals(c.numHeads(), plan.qHeadsPerRank() * tp);
        assertEquals(c.intermediateSize(), plan.intermediatePerRank() * tp);
        assertEquals(Math.max(c.numKvHeads(), tp), plan.kvHeadsPerRank() * tp, "kv heads held, replicas counted");
        assertEquals(0, plan.paddedVocab() % (64 * tp));
        assertTrue(plan.paddedVocab() >= c.vocabSize() && plan.paddedVocab() < c.vocabSize() + 64 * tp);
        int real = 0;
        for (int rank = 0; rank < tp; rank++) {
            assertEquals(rank * plan.qHeadsPerRank(), plan.firstQHead(rank));
            assertEquals(real, Math.min(plan.vocabStart(rank), c.vocabSize()));
            real += plan.realVocabRows(rank);
        }
        assertEquals(c.vocabSize(), real);
    }

    @ParameterizedTest(name = "{0} tp={1}")
    @MethodSource("validPlans")
    void regionsStayInsideTheirSourceTensors(Shape shape, int tp) {
        ShardPlan plan = new ShardPlan(shape.config, tp);
        Map<String, long[]> shapes = sourceShapes(shape.config);
        for (int rank = 0; rank < tp; rank++) {
            for (ShardedTensor tensor : plan.tensorsOf(rank)) {
                for (Region region : tensor.regions()) {
                    long[] source = shapes.get(region.source());
                    assertTrue(source != null, "the model has " + region.source());
                    assertEquals(source[1], region.sourceColumns(), region.source() + " width");
                    assertTrue(region.sourceRow() + region.rows() <= source[0], region + " rows");
                }
            }
        }
    }

    /**
     * On a miniature of each shape (same heads, same tying), every element of every model tensor is
     * counted: split tensors are held exactly once across ranks, replicated ones on every rank,
     * and k/v on {@code kvHeadReplicas} ranks.
     */
    @ParameterizedTest(name = "{0} tp={1}")
    @MethodSource("validPlans")
    void everyElementIsHeldAsOftenAsItsSplitSays(Shape shape, int tp) {
        ModelConfig mini = shape.miniature();
        ShardPlan plan = new ShardPlan(mini, tp);
        Map<String, long[]> shapes = sourceShapes(mini);
        Map<String, int[]> counts = new HashMap<>();
        shapes.forEach((name, s) -> counts.put(name, new int[(int) (s[0] * s[1])]));
        for (int rank = 0; rank < tp; rank++) {
            for (ShardedTensor tensor : plan.tensorsOf(rank)) {
                boolean lmHead = tensor.name().equals("lm_head");
                for (Region region : tensor.regions()) {
                    int[] count = counts.get(region.source());
                    for (long r = 0; r < region.rows(); r++) {
                        for (long col = 0; col < region.columns(); col++) {
                            count[(int) ((region.sourceRow() + r) * region.sourceColumns() + region.sourceColumn() + col)]
                                    += lmHead && mini.tieWordEmbeddings() ? 1000 : 1;
                        }
                    }
                }
            }
        }
        counts.forEach((name, count) -> {
            int expected;
            if (name.contains("norm") || name.equals("model.embed_tokens.weight")) {
                expected = tp;
            } else if (name.contains("k_proj") || name.contains("v_proj")) {
                expected = plan.kvHeadReplicas();
            } else {
                expected = 1;
            }
            if (name.equals("model.embed_tokens.weight") && mini.tieWordEmbeddings()) {
                expected += 1000;
            }
            for (int i = 0; i < count.length; i++) {
                assertEquals(expected, count[i], name + " element " + i);
            }
        });
    }

    @Test
    void tensorParallelSizesOtherThanPowersOfTwoUpToEightAreRefused() {
        for (int tp : new int[] {0, 3, 6, 16}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new ShardPlan(Shape.QWEN2_5_32B.config, tp));
            assertEquals("--tensor-parallel-size must be 1, 2, 4 or 8, got " + tp, e.getMessage());
        }
    }

    @Test
    void headsNotDivisibleByTpAreRefusedInVllmsWords() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ShardPlan(Shape.QWEN2_5_7B.config, 8));
        assertEquals("Total number of attention heads (28) must be divisible by tensor parallel size (8).", e.getMessage());
    }

    @Test
    void kvHeadsThatNeitherDivideNorAreDividedByTpAreRefused() {
        ModelConfig sixKv = new ModelConfig("Qwen2ForCausalLM", 96, 1, 12, 6, 8, 64, 100, 64, 1e6, 1e-6, false, "bfloat16");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ShardPlan(sixKv, 4));
        assertTrue(e.getMessage().startsWith("Total number of key/value heads (6) must be divisible by tensor parallel size (4)"),
                e.getMessage());
    }

    @Test
    void anIntermediateSizeNotDivisibleByTpIsRefused() {
        ModelConfig odd = new ModelConfig("Qwen2ForCausalLM", 64, 1, 4, 2, 16, 130, 100, 64, 1e6, 1e-6, false, "bfloat16");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ShardPlan(odd, 4));
        assertEquals("intermediate_size (130) must be divisible by tensor parallel size (4).", e.getMessage());
    }

    private static List<Integer> kvHeadsOfRanks(ShardPlan plan) {
        List<Integer> heads = new ArrayList<>();
        for (int rank = 0; rank < plan.tensorParallelSize(); rank++) {
            heads.add(plan.firstKvHead(rank));
        }
        return heads;
    }

    private static void assertShape(ShardedTensor tensor, long rows, long columns) {
        assertEquals(rows + " x " + columns, tensor.rows() + " x " + tensor.columns(), tensor.name());
    }

    /** The model's tensors as {@code [rows, columns]}, 1-D ones as one row. */
    private static Map<String, long[]> sourceShapes(ModelConfig c) {
        Map<String, long[]> shapes = new HashMap<>();
        long h = c.hiddenSize();
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        shapes.put("model.embed_tokens.weight", new long[] {c.vocabSize(), h});
        shapes.put("model.norm.weight", new long[] {1, h});
        if (!c.tieWordEmbeddings()) {
            shapes.put("lm_head.weight", new long[] {c.vocabSize(), h});
        }
        for (int l = 0; l < c.numLayers(); l++) {
            String p = "model.layers." + l + ".";
            shapes.put(p + "input_layernorm.weight", new long[] {1, h});
            shapes.put(p + "post_attention_layernorm.weight", new long[] {1, h});
            shapes.put(p + "self_attn.q_proj.weight", new long[] {q, h});
            shapes.put(p + "self_attn.q_proj.bias", new long[] {1, q});
            shapes.put(p + "self_attn.k_proj.weight", new long[] {kv, h});
            shapes.put(p + "self_attn.k_proj.bias", new long[] {1, kv});
            shapes.put(p + "self_attn.v_proj.weight", new long[] {kv, h});
            shapes.put(p + "self_attn.v_proj.bias", new long[] {1, kv});
            shapes.put(p + "self_attn.o_proj.weight", new long[] {h, q});
            shapes.put(p + "mlp.gate_proj.weight", new long[] {c.intermediateSize(), h});
            shapes.put(p + "mlp.up_proj.weight", new long[] {c.intermediateSize(), h});
            shapes.put(p + "mlp.down_proj.weight", new long[] {h, c.intermediateSize()});
        }
        return shapes;
    }
}
