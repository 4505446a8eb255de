package dev.vela.adapters.hf.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.domain.model.ModelConfig;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RandomModelWriterTest {

    @TempDir
    Path temp;

    @Test
    void writesEveryFileOfAHuggingFaceModelDirectory() {
        Path dir = RandomModelWriter.write(ModelPreset.TINY, WeightType.FLOAT32, 1, temp.resolve("tiny"));
        for (String file : new String[] {"config.json", "generation_config.json", "model.safetensors",
                "tokenizer.json", "tokenizer_config.json"}) {
            assertTrue(Files.isRegularFile(dir.resolve(file)), file);
        }
    }

    @Test
    void sameSeedGivesTheSameWeights() throws IOException {
        Path a = RandomModelWriter.write(ModelPreset.TINY, WeightType.BFLOAT16, 7, temp.resolve("a"));
        Path b = RandomModelWriter.write(ModelPreset.TINY, WeightType.BFLOAT16, 7, temp.resolve("b"));
        assertArrayEquals(Files.readAllBytes(a.resolve("model.safetensors")), Files.readAllBytes(b.resolve("model.safetensors")));
        assertArrayEquals(Files.readAllBytes(a.resolve("tokenizer.json")), Files.readAllBytes(b.resolve("tokenizer.json")));
    }

    @Test
    void safetensorsHeaderDescribesEveryTensorWithItsShapeAndOffsets() throws IOException {
        ModelConfig config = ModelPreset.TINY.config(WeightType.BFLOAT16);
        Path dir = RandomModelWriter.write(config, 3, temp.resolve("m"));
        byte[] file = Files.readAllBytes(dir.resolve("model.safetensors"));
        long headerLength = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLength) % 8, "data starts 8-byte aligned");
        JsonObject header = Json.createReader(new StringReader(
                new String(file, 8, (int) headerLength, StandardCharsets.UTF_8))).readObject();
        JsonObject q = header.getJsonObject("model.layers.1.self_attn.q_proj.weight");
        assertEquals("BF16", q.getString("dtype"));
        assertEquals(config.numHeads() * config.headDim(), q.getJsonArray("shape").getInt(0));
        assertEquals(config.hiddenSize(), q.getJsonArray("shape").getInt(1));
        long dataBytes = file.length - 8 - headerLength;
        assertEquals(config.parameterCount() * 2, dataBytes, "every parameter stored once as bf16");
        assertTrue(header.containsKey("lm_head.weight"), "TINY has an untied lm_head");
    }

    @Test
    void tiedPresetWritesNoLmHead() throws IOException {
        Path dir = RandomModelWriter.write(ModelPreset.TINY_TIED, WeightType.FLOAT32, 3, temp.resolve("tied"));
        String header = new String(Files.readAllBytes(dir.resolve("model.safetensors")), 0, 4000, StandardCharsets.ISO_8859_1);
        assertTrue(!header.contains("lm_head"), "a tied model stores no lm_head.weight");
    }

    @Test
    void aPresetWithTheRealVocabularyWritesR1DistillsIdsIntoItsConfigs() throws IOException {
        Path dir = RandomModelWriter.write(ModelPreset.R1_DISTILL_VOCAB_TINY, WeightType.BFLOAT16, 1, temp.resolve("r1"));

        JsonObject config = readJson(dir.resolve("config.json"));
        assertEquals(151_643, config.getInt("bos_token_id"), "config.json names EOS as bos, like the real Distill");
        assertEquals(151_643, config.getInt("eos_token_id"));
        assertEquals(151_936, config.getInt("vocab_size"));
        JsonObject generation = readJson(dir.resolve("generation_config.json"));
        assertEquals(151_646, generation.getInt("bos_token_id"));
        assertEquals(151_643, generation.getInt("eos_token_id"));
        assertEquals(0.6, generation.getJsonNumber("temperature").doubleValue());
        assertEquals(0.95, generation.getJsonNumber("top_p").doubleValue());
    }

    @Test
    void theBenchmarkPresetsUseTheRealVocabularyAndHaveRoomForIt() {
        assertEquals(TokenizerKind.R1_DISTILL_QWEN, ModelPreset.QWEN2_5_0_5B.tokenizer());
        assertEquals(TokenizerKind.R1_DISTILL_QWEN, ModelPreset.R1_DISTILL_QWEN_1_5B.tokenizer());
        Stream.of(ModelPreset.values()).filter(p -> p.tokenizer() == TokenizerKind.R1_DISTILL_QWEN).forEach(p ->
                assertTrue(p.config(WeightType.BFLOAT16).vocabSize() >= R1DistillVocabulary.SIZE, p.name()));
    }

    @Test
    void aVocabSizeTooSmallForTheRealVocabularyIsRefusedAndLeavesNothingBehind() throws IOException {
        ModelConfig tiny = ModelPreset.TINY.config(WeightType.FLOAT32);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RandomModelWriter.write(tiny, TokenizerKind.R1_DISTILL_QWEN, 1, temp.resolve("small")));

        assertEquals("vocab_size 512 is too small for Qwen2's vocabulary with R1-Distill's added tokens (151665 ids)",
                e.getMessage());
        try (Stream<Path> left = Files.list(temp)) {
            assertEquals(0, left.count(), "no directory, not even a partial one");
        }
    }

    @Test
    void bfloat16RoundsToNearestEven() {
        assertEquals((short) 0x3F80, WeightType.toBfloat16(1.0f));
        assertEquals((short) 0x3F80, WeightType.toBfloat16(Float.intBitsToFloat(0x3F808000)), "a tie rounds to even");
        assertEquals((short) 0x3F82, WeightType.toBfloat16(Float.intBitsToFloat(0x3F818000)), "a tie rounds to even (up)");
        assertEquals((short) 0x3F81, WeightType.toBfloat16(Float.intBitsToFloat(0x3F808001)), "above half rounds up");
    }

    private static JsonObject readJson(Path file) throws IOException {
        return Json.createReader(new StringReader(Files.readString(file))).readObject();
    }
}
