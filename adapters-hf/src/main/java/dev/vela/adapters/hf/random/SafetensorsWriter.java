package dev.vela.adapters.hf.random;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@code .safetensors} file (8-byte little-endian header length, JSON header, raw
 * little-endian data) tensor by tensor, so files larger than memory stream straight to disk.
 */
final class SafetensorsWriter {

    /** Produces a tensor's values in row-major order, a chunk at a time. */
    @FunctionalInterface
    interface Values {
        /** Fills {@code chunk[0..count)} with the next values. */
        void next(float[] chunk, int count);
    }

    /** One tensor to write. */
    record Tensor(String name, long[] shape, Values values) {
        long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private static final int CHUNK = 1 << 20;

    private SafetensorsWriter() {
    }

    static void write(Path file, WeightType type, List<Tensor> tensors) throws IOException {
        List<Tensor> sorted = new ArrayList<>(tensors);
        sorted.sort((a, b) -> a.name().compareTo(b.name()));
        byte[] header = header(type, sorted);
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            writeFully(out, length);
            writeFully(out, ByteBuffer.wrap(header));
            float[] chunk = new float[CHUNK];
            ByteBuffer bytes = ByteBuffer.allocateDirect(CHUNK * type.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            for (Tensor tensor : sorted) {
                long left = tensor.elements();
                while (left > 0) {
                    int count = (int) Math.min(CHUNK, left);
                    tensor.values().next(chunk, count);
                    bytes.clear();
                    for (int i = 0; i < count; i++) {
                        if (type == WeightType.FLOAT32) {
                            bytes.putFloat(chunk[i]);
                        } else {
                            bytes.putShort(WeightType.toBfloat16(chunk[i]));
                        }
                    }
                    bytes.flip();
                    writeFully(out, bytes);
                    left -= count;
                }
            }
        }
    }

    private static byte[] header(WeightType type, List<Tensor> tensors) {
        JsonObjectBuilder json = Json.createObjectBuilder();
        json.add("__metadata__", Json.createObjectBuilder().add("format", "pt"));
        long offset = 0;
        for (Tensor tensor : tensors) {
            JsonArrayBuilder shape = Json.createArrayBuilder();
            for (long d : tensor.shape()) {
                shape.add(d);
            }
            long end = offset + tensor.elements() * type.bytes();
            json.add(tensor.name(), Json.createObjectBuilder()
                    .add("dtype", type.safetensorsName())
                    .add("shape", shape)
                    .add("data_offsets", Json.createArrayBuilder().add(offset).add(end)));
            offset = end;
        }
        StringBuilder text = new StringBuilder(json.build().toString());
        while ((text.length() + 8) % 8 != 0) {
            text.append(' ');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}
