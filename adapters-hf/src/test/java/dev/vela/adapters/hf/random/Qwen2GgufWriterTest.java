package dev.vela.adapters.hf.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.adapters.hf.GgmlType;
import dev.vela.adapters.hf.Qwen2GgufNames;
import dev.vela.application.port.out.WeightTensor;
import dev.vela.domain.model.ModelConfig;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Qwen2GgufWriterTest {

    private static final int GGML_F32 = 0;
    private static final int GGML_BF16 = 30;

    /** TINY with bf16 weights, written once: the tests that need another model write their own. */
    @TempDir
    static Path models;
    static Path tiny;

    @TempDir
    Path temp;

    @BeforeAll
    static void writeTinyModel() {
        tiny = RandomModelWriter.write(ModelPreset.TINY, WeightType.BFLOAT16, 3, models.resolve("tiny"));
    }

    @Test
    void headerIsGgufVersionThreeWithTheQwen2ShapeOfTheModel() throws IOException {
        ModelConfig config = ModelPreset.TINY.config(WeightType.BFLOAT16);
        GgufReader gguf = written(tiny, GgmlType.BF16);
        assertEquals("GGUF", gguf.magic);
        assertEquals(3, gguf.version);
        assertEquals("qwen2", gguf.metadata.get("general.architecture"));
        assertEquals("tiny", gguf.metadata.get("general.name"));
        assertEquals(32L, gguf.metadata.get("general.alignment"));
        assertEquals(32L, gguf.metadata.get("general.file_type"), "llama.cpp's MOSTLY_BF16");
        assertEquals((long) config.maxPositionEmbeddings(), gguf.metadata.get("qwen2.context_length"));
        assertEquals((long) config.hiddenSize(), gguf.metadata.get("qwen2.embedding_length"));
        assertEquals((long) config.numLayers(), gguf.metadata.get("qwen2.block_count"));
        assertEquals((long) config.intermediateSize(), gguf.metadata.get("qwen2.feed_forward_length"));
        assertEquals((long) config.numHeads(), gguf.metadata.get("qwen2.attention.head_count"));
        assertEquals((long) config.numKvHeads(), gguf.metadata.get("qwen2.attention.head_count_kv"));
        assertEquals((float) config.ropeTheta(), gguf.metadata.get("qwen2.rope.freq_base"));
        assertEquals((float) config.rmsNormEps(), gguf.metadata.get("qwen2.attention.layer_norm_rms_epsilon"));
        assertFalse(gguf.metadata.containsKey("qwen2.attention.key_length"), "the head size follows from the embedding length");
    }

    @Test
    void aHeadSizeOtherThanEmbeddingOverHeadsIsWrittenAsKeyAndValueLength() throws IOException {
        ModelConfig base = ModelPreset.TINY.config(WeightType.BFLOAT16);
        ModelConfig wideHeads = new ModelConfig(base.architecture(), base.hiddenSize(), base.numLayers(), base.numHeads(),
                base.numKvHeads(), 32, base.intermediateSize(), base.vocabSize(), base.maxPositionEmbeddings(),
                base.ropeTheta(), base.rmsNormEps(), false, base.dtype());
        Path dir = RandomModelWriter.write(wideHeads, 3, temp.resolve("wide-heads"));
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replaceFirst("\\{", "{\"head_dim\": 32,"));
        GgufReader gguf = written(dir, GgmlType.BF16);
        assertEquals(32L, gguf.metadata.get("qwen2.attention.key_length"));
        assertEquals(32L, gguf.metadata.get("qwen2.attention.value_length"));
        assertArrayEquals(new long[] {base.hiddenSize(), 4 * 32}, gguf.tensor("blk.0.attn_q.weight").dims());
    }

    @Test
    void tokenizerHoldsEveryTokenWithItsTypeTheMergesAndTheSpecialIds() throws IOException {
        Path file = temp.resolve("tiny.gguf");
        Qwen2GgufWriter.write(tiny, file, GgmlType.BF16);
        GgufReader gguf = new GgufReader(file);
        JsonObject tokenizer = json(tiny.resolve("tokenizer.json"));
        JsonObject vocab = tokenizer.getJsonObject("model").getJsonObject("vocab");
        List<?> tokens = (List<?>) gguf.metadata.get("tokenizer.ggml.tokens");
        int[] types = (int[]) gguf.metadata.get("tokenizer.ggml.token_type");
        assertEquals(ModelPreset.TINY.config(WeightType.BFLOAT16).vocabSize(), tokens.size(), "one token per embedding row");
        assertEquals(tokens.size(), types.length);
        vocab.forEach((token, id) -> {
            int i = Integer.parseInt(id.toString());
            assertEquals(token, tokens.get(i));
            assertEquals(GgufTokenizer.NORMAL, types[i], token);
        });
        for (JsonValue entry : tokenizer.getJsonArray("added_tokens")) {
            JsonObject added = entry.asJsonObject();
            int id = added.getInt("id");
            assertEquals(added.getString("content"), tokens.get(id));
            boolean control = added.getBoolean("special") || GgufTokenizer.looksSpecial(added.getString("content"));
            assertEquals(control ? GgufTokenizer.CONTROL : GgufTokenizer.USER_DEFINED, types[id], added.getString("content"));
        }
        assertEquals(GgufTokenizer.USER_DEFINED, types[tokens.indexOf(R1DistillTokens.THINK)], "<think> is plain text to llama.cpp");
        assertEquals(GgufTokenizer.CONTROL, types[tokens.indexOf("<|fim_prefix|>")], "looks special, so control");
        List<String> merges = new ArrayList<>();
        tokenizer.getJsonObject("model").getJsonArray("merges").forEach(m -> merges.add(((JsonString) m).getString()));
        assertEquals(merges, gguf.metadata.get("tokenizer.ggml.merges"));
        assertEquals("gpt2", gguf.metadata.get("tokenizer.ggml.model"));
        assertEquals("qwen2", gguf.metadata.get("tokenizer.ggml.pre"));
        assertEquals((long) tokens.indexOf(R1DistillTokens.BOS), gguf.metadata.get("tokenizer.ggml.bos_token_id"));
        assertEquals((long) tokens.indexOf(R1DistillTokens.EOS), gguf.metadata.get("tokenizer.ggml.eos_token_id"));
        assertEquals((long) tokens.indexOf(R1DistillTokens.EOS), gguf.metadata.get("tokenizer.ggml.padding_token_id"));
        assertEquals(true, gguf.metadata.get("tokenizer.ggml.add_bos_token"), "tokenizer_config.json says add_bos_token: true");
    }

    @Test
    void embeddingRowsPastTheTokenizerAreUnusedPadTokens() throws IOException {
        int known = ModelPreset.TINY.config(WeightType.BFLOAT16).vocabSize();
        GgufTokenizer tokenizer = GgufTokenizer.read(tiny, known + 3);
        assertEquals(List.of("[PAD" + known + "]", "[PAD" + (known + 1) + "]", "[PAD" + (known + 2) + "]"),
                tokenizer.tokens().subList(known, known + 3));
        for (int id = known; id < known + 3; id++) {
            assertEquals(GgufTokenizer.UNUSED, tokenizer.types()[id]);
        }
    }

    @Test
    void tensorsHaveLlamaCppNamesAndShapesInnermostFirst() throws IOException {
        ModelConfig c = ModelPreset.TINY.config(WeightType.BFLOAT16);
        GgufReader gguf = written(tiny, GgmlType.BF16);
        Set<String> expected = new TreeSet<>(List.of("token_embd.weight", "output_norm.weight", "output.weight"));
        for (int i = 0; i < c.numLayers(); i++) {
            for (String name : List.of("attn_norm.weight", "attn_q.weight", "attn_q.bias", "attn_k.weight", "attn_k.bias",
                    "attn_v.weight", "attn_v.bias", "attn_output.weight", "ffn_norm.weight", "ffn_gate.weight",
                    "ffn_up.weight", "ffn_down.weight")) {
                expected.add("blk." + i + "." + name);
            }
        }
        Set<String> names = new TreeSet<>();
        gguf.tensors.forEach(t -> names.add(t.name()));
        assertEquals(expected, names);
        assertEquals(expected.size(), gguf.tensors.size(), "each tensor once");
        long q = (long) c.numHeads() * c.headDim();
        long kv = (long) c.numKvHeads() * c.headDim();
        assertArrayEquals(new long[] {c.hiddenSize(), c.vocabSize()}, gguf.tensor("token_embd.weight").dims());
        assertArrayEquals(new long[] {c.hiddenSize(), q}, gguf.tensor("blk.1.attn_q.weight").dims());
        assertArrayEquals(new long[] {c.hiddenSize(), kv}, gguf.tensor("blk.1.attn_k.weight").dims());
        assertArrayEquals(new long[] {kv}, gguf.tensor("blk.1.attn_v.bias").dims());
        assertArrayEquals(new long[] {q, c.hiddenSize()}, gguf.tensor("blk.0.attn_output.weight").dims());
        assertArrayEquals(new long[] {c.intermediateSize(), c.hiddenSize()}, gguf.tensor("blk.0.ffn_down.weight").dims());
        assertArrayEquals(new long[] {c.hiddenSize(), c.intermediateSize()}, gguf.tensor("blk.0.ffn_gate.weight").dims());
        assertArrayEquals(new long[] {c.hiddenSize()}, gguf.tensor("output_norm.weight").dims());
        assertEquals(GGML_BF16, gguf.tensor("blk.0.ffn_up.weight").type());
        assertEquals(GGML_F32, gguf.tensor("blk.0.ffn_norm.weight").type(), "norms stay f32");
        assertEquals(GGML_F32, gguf.tensor("blk.0.attn_q.bias").type(), "biases stay f32");
    }

    @Test
    void everyTensorStartsAlignedWhereThePaddedOneBeforeItEnds() throws IOException {
        GgufReader gguf = written(tiny, GgmlType.BF16);
        assertEquals(0, gguf.dataStart % 32, "the data section starts aligned");
        assertArrayEquals(new byte[gguf.headerPadding().length], gguf.headerPadding(), "padded with zeros");
        long expectedOffset = 0;
        for (GgufReader.TensorInfo tensor : gguf.tensors) {
            assertEquals(expectedOffset, tensor.offset(), tensor.name());
            assertEquals(0, tensor.offset() % 32, tensor.name());
            long elements = 1;
            for (long d : tensor.dims()) {
                elements *= d;
            }
            long bytes = elements * (tensor.type() == GGML_F32 ? 4 : 2);
            expectedOffset = (tensor.offset() + bytes + 31) / 32 * 32;
        }
        assertEquals(gguf.dataStart + expectedOffset, gguf.file.length, "the last tensor is padded too, and nothing follows");
    }

    @Test
    void bf16MatricesAreTheSourceBytesAndNormsAndBiasesTheirExactValues() throws IOException {
        Path file = temp.resolve("tiny.gguf");
        Qwen2GgufWriter.write(tiny, file, GgmlType.BF16);
        GgufReader gguf = new GgufReader(file);
        try (SafetensorsModelWeights weights = SafetensorsModelWeights.open(List.of(tiny.resolve("model.safetensors")))) {
            for (String name : weights.names()) {
                WeightTensor source = weights.tensor(name);
                GgufReader.TensorInfo tensor = gguf.tensor(Qwen2GgufNames.ggufName(name));
                if (source.rank() == 2) {
                    byte[] expected = source.data().toArray(ValueLayout.JAVA_BYTE);
                    assertArrayEquals(expected, gguf.data(tensor, expected.length), name);
                } else {
                    assertArrayEquals(floats(source), f32(gguf.data(tensor, (int) source.elements() * 4)), name);
                }
            }
        }
    }

    @Test
    void f32FileHoldsEveryWeightAsItsExactValue() throws IOException {
        Path file = temp.resolve("tiny-f32.gguf");
        Qwen2GgufWriter.write(tiny, file, GgmlType.F32);
        GgufReader gguf = new GgufReader(file);
        assertEquals(0L, gguf.metadata.get("general.file_type"), "llama.cpp's ALL_F32");
        try (SafetensorsModelWeights weights = SafetensorsModelWeights.open(List.of(tiny.resolve("model.safetensors")))) {
            for (String name : weights.names()) {
                WeightTensor source = weights.tensor(name);
                GgufReader.TensorInfo tensor = gguf.tensor(Qwen2GgufNames.ggufName(name));
                assertEquals(GGML_F32, tensor.type(), name);
                assertArrayEquals(floats(source), f32(gguf.data(tensor, (int) source.elements() * 4)), name);
            }
        }
    }

    @Test
    void f32WeightsAreRoundedToTheNearestBfloat16() throws IOException {
        Path dir = RandomModelWriter.write(ModelPreset.TINY, WeightType.FLOAT32, 4, temp.resolve("tiny-f32"));
        Path file = temp.resolve("tiny.gguf");
        Qwen2GgufWriter.write(dir, file, GgmlType.BF16);
        GgufReader gguf = new GgufReader(file);
        try (SafetensorsModelWeights weights = SafetensorsModelWeights.open(List.of(dir.resolve("model.safetensors")))) {
            WeightTensor source = weights.tensor("model.layers.0.mlp.up_proj.weight");
            float[] values = floats(source);
            ByteBuffer expected = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                expected.putShort(WeightType.toBfloat16(v));
            }
            assertArrayEquals(expected.array(), gguf.data(gguf.tensor("blk.0.ffn_up.weight"), values.length * 2));
        }
    }

    @Test
    void tiedEmbeddingsWriteNoOutputWeight() throws IOException {
        Path dir = RandomModelWriter.write(ModelPreset.TINY_TIED, WeightType.BFLOAT16, 3, temp.resolve("tiny-tied"));
        GgufReader gguf = written(dir, GgmlType.BF16);
        Set<String> names = new HashSet<>();
        gguf.tensors.forEach(t -> names.add(t.name()));
        assertTrue(names.contains("token_embd.weight"));
        assertFalse(names.contains("output.weight"), "llama.cpp reuses token_embd.weight");
    }

    @Test
    void aModelThatIsNotQwen2IsRefusedAndNoFileIsLeft() throws IOException {
        Path dir = RandomModelWriter.write(ModelPreset.TINY, WeightType.BFLOAT16, 3, temp.resolve("llama"));
        Path config = dir.resolve("config.json");
        Files.writeString(config, Files.readString(config).replace("Qwen2ForCausalLM", "LlamaForCausalLM"));
        Path file = temp.resolve("llama.gguf");
        IOException refused = assertThrows(IOException.class, () -> Qwen2GgufWriter.write(dir, file, GgmlType.BF16));
        assertTrue(refused.getMessage().contains("LlamaForCausalLM"), refused.getMessage());
        try (var left = Files.list(temp)) {
            assertEquals(List.of(dir), left.toList());
        }
    }

    private GgufReader written(Path dir, GgmlType type) throws IOException {
        Path file = temp.resolve("tiny.gguf");
        Qwen2GgufWriter.write(dir, file, type);
        return new GgufReader(file);
    }

    private static float[] floats(WeightTensor tensor) {
        float[] values = new float[(int) tensor.elements()];
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (tensor.type()) {
                case F32 -> tensor.data().getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i);
                case BF16 -> Float.intBitsToFloat(
                        tensor.data().getAtIndex(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), i) << 16);
                case F16, Q8_0, Q4_0 -> throw new AssertionError("random models are f32 or bf16");
            };
        }
        return values;
    }

    private static float[] f32(byte[] bytes) {
        float[] values = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return values;
    }

    private static JsonObject json(Path file) throws IOException {
        try (JsonReader reader = Json.createReader(Files.newBufferedReader(file))) {
            return reader.readObject();
        }
    }
}
