package dev.vela.adapters.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.application.port.out.WeightTensor;
import dev.vela.domain.model.ModelConfig;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsModelWeightsTest {

    @TempDir
    Path temp;

    @Test
    void everyTensorOfAWrittenModelIsMappedWithItsShapeAndType() {
        ModelConfig config = ModelPreset.TINY.config(WeightType.BFLOAT16);
        Path dir = RandomModelWriter.write(config, 1, temp.resolve("m"));
        try (SafetensorsModelWeights weights = SafetensorsModelWeights.open(HfModelDirectory.open(dir).modelFiles())) {
            WeightTensor q = weights.tensor("model.layers.1.self_attn.q_proj.weight");
            assertEquals(WeightTensor.Type.BF16, q.type());
            assertEquals(config.numHeads() * config.headDim(), q.dim(0));
            assertEquals(config.hiddenSize(), q.dim(1));
            assertTrue(weights.contains("lm_head.weight"));
            assertFalse(weights.contains("nothing"));
            assertEquals(2 + 12 * config.numLayers() + 1, weights.names().size());
        }
    }

    @Test
    void aTensorsOriginNamesItsFileAndOffsetAndChangesWithTheFile() throws IOException {
        Path dir = RandomModelWriter.write(ModelPreset.TINY.config(WeightType.BFLOAT16), 1, temp.resolve("m"));
        Path file = HfModelDirectory.open(dir).modelFiles().getFirst();
        String q;
        String k;
        try (SafetensorsModelWeights weights = SafetensorsModelWeights.open(List.of(file))) {
            q = weights.origin("model.layers.0.self_attn.q_proj.weight").orElseThrow();
            k = weights.origin("model.layers.0.self_attn.k_proj.weight").orElseThrow();
            assertTrue(q.startsWith(file.toRealPath() + "|" + Files.size(file) + "|"), q);
            assertFalse(q.equals(k), "tensors of one file differ by offset");
            assertTrue(weights.origin("nothing").isEmpty());
        }
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 1000));
        try (SafetensorsModelWeights weights = SafetensorsModelWeights.open(List.of(file))) {
            assertFalse(q.equals(weights.origin("model.layers.0.self_attn.q_proj.weight").orElseThrow()),
                    "a file modified since gives another origin");
        }
    }

    @Test
    void normWeightsReadBackAsWritten() {
        Path dir = RandomModelWriter.write(ModelPreset.TINY.config(WeightType.FLOAT32), 1, temp.resolve("m"));
        try (SafetensorsModelWeights weights = SafetensorsModelWeights.open(HfModelDirectory.open(dir).modelFiles())) {
            WeightTensor norm = weights.tensor("model.norm.weight");
            float first = norm.data().get(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
            assertTrue(Math.abs(first - 1.0f) < 0.1f, "norm weights are written around 1: " + first);
        }
    }

    @Test
    void aTruncatedFileIsRefusedNamingIt() throws IOException {
        Path dir = RandomModelWriter.write(ModelPreset.TINY.config(WeightType.FLOAT32), 1, temp.resolve("m"));
        Path file = dir.resolve("model.safetensors");
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(Files.size(file) - 1000);
        }
        ModelDirectoryException e = assertThrows(ModelDirectoryException.class, () -> SafetensorsModelWeights.open(List.of(file)));
        assertTrue(e.getMessage().startsWith("model.safetensors: truncated"), e.getMessage());
    }

    @Test
    void aFileThatIsNotSafetensorsIsRefusedNamingIt() throws IOException {
        Path file = temp.resolve("model.safetensors");
        Files.writeString(file, "this is not a tensor file at all");
        ModelDirectoryException e = assertThrows(ModelDirectoryException.class, () -> SafetensorsModelWeights.open(List.of(file)));
        assertTrue(e.getMessage().startsWith("model.safetensors: "), e.getMessage());
    }
}
