package dev.vela.adapters.hf.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
    void bfloat16RoundsToNearestEven() {
        assertEquals((short) 0x3F80, WeightType.toBfloat16(1.0f));
        assertEquals((short) 0x3F80, WeightType.toBfloat16(Float.intBitsToFloat(0x3F808000)), "a tie rounds to even");
        assertEquals((short) 0x3F82, WeightType.toBfloat16(Float.intBitsToFloat(0x3F818000)), "a tie rounds to even (up)");
        assertEquals((short) 0x3F81, WeightType.toBfloat16(Float.intBitsToFloat(0x3F808001)), "above half rounds up");
    }
}
