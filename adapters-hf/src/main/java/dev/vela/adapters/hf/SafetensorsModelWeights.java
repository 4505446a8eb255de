package dev.vela.adapters.hf;

import dev.vela.application.port.out.ModelWeights;
import dev.vela.application.port.out.WeightTensor;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A model's {@code .safetensors} files, memory-mapped: tensors are slices of the mapping, so
 * weights are read in place and the operating system pages them in as they are used. Every header
 * is checked when the files are opened; a truncated or corrupt file is a
 * {@link ModelDirectoryException} naming it.
 */
public final class SafetensorsModelWeights extends MappedModelWeights {

    private static final ValueLayout.OfLong HEADER_LENGTH = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final long MAX_HEADER = 100L << 20;

    private final Arena arena;

    private SafetensorsModelWeights(Arena arena, Map<String, WeightTensor> tensors, Map<String, String> origins) {
        super(tensors, origins);
        this.arena = arena;
    }

    /** Maps every file of a model directory ({@link HfModelDirectory#modelFiles()}). */
    public static SafetensorsModelWeights open(List<Path> files) {
        Arena arena = Arena.ofShared();
        Map<String, WeightTensor> tensors = new LinkedHashMap<>();
        Map<String, String> origins = new HashMap<>();
        try {
            for (Path file : files) {
                readFile(file, arena, tensors, origins);
            }
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
        return new SafetensorsModelWeights(arena, tensors, origins);
    }

    private static void readFile(Path file, Arena arena, Map<String, WeightTensor> tensors, Map<String, String> origins) {
        String name = String.valueOf(file.getFileName());
        MemorySegment mapped;
        String fileOrigin;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            fileOrigin = file.toRealPath() + "|" + channel.size() + "|" + Files.getLastModifiedTime(file).toMillis();
        } catch (IOException e) {
            throw new ModelDirectoryException(name + ": cannot be read (" + e.getMessage() + ")", e);
        }
        if (mapped.byteSize() < 8) {
            throw new ModelDirectoryException(name + ": truncated (" + mapped.byteSize() + " bytes, no header)");
        }
        long headerLength = mapped.get(HEADER_LENGTH, 0);
        if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > mapped.byteSize()) {
            throw new ModelDirectoryException(name + ": not a safetensors file or truncated (header length "
                    + headerLength + ", file " + mapped.byteSize() + " bytes)");
        }
        JsonObject header = header(name, mapped.asSlice(8, headerLength));
        MemorySegment data = mapped.asSlice(8 + headerLength);
        for (Map.Entry<String, JsonValue> entry : header.entrySet()) {
            if (entry.getKey().equals("__metadata__")) {
                continue;
            }
            WeightTensor tensor = tensor(name, entry.getKey(), entry.getValue(), data);
            if (tensors.put(tensor.name(), tensor) != null) {
                throw new ModelDirectoryException(name + ": tensor " + tensor.name() + " is stored twice");
            }
            origins.put(tensor.name(), fileOrigin + "|" + (tensor.data().address() - mapped.address()));
        }
    }

    private static JsonObject header(String file, MemorySegment bytes) {
        String text = new String(bytes.toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        try (JsonReader reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        } catch (JsonException | ClassCastException e) {
            throw new ModelDirectoryException(file + ": its header is not valid JSON (" + e.getMessage() + ")", e);
        }
    }

    private static WeightTensor tensor(String file, String name, JsonValue json, MemorySegment data) {
        try {
            JsonObject info = json.asJsonObject();
            WeightTensor.Type type = switch (info.getString("dtype")) {
                case "F32" -> WeightTensor.Type.F32;
                case "BF16" -> WeightTensor.Type.BF16;
                case "F16" -> WeightTensor.Type.F16;
                default -> throw new ModelDirectoryException(file + ": tensor " + name + " has dtype "
                        + info.getString("dtype") + "; Vela reads F32, BF16 and F16");
            };
            JsonArray shapeJson = info.getJsonArray("shape");
            long[] shape = new long[shapeJson.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeJson.getJsonNumber(i).longValueExact();
            }
            JsonArray offsets = info.getJsonArray("data_offsets");
            long begin = offsets.getJsonNumber(0).longValueExact();
            long end = offsets.getJsonNumber(1).longValueExact();
            if (begin < 0 || end < begin || end > data.byteSize()) {
                throw new ModelDirectoryException(file + ": truncated; tensor " + name + " ends at byte " + end
                        + " of a data section of " + data.byteSize() + " bytes");
            }
            return new WeightTensor(name, type, shape, data.asSlice(begin, end - begin));
        } catch (ModelDirectoryException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new ModelDirectoryException(file + ": tensor " + name + " is described wrongly (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void close() {
        arena.close();
    }
}
