package dev.vela.adapters.hf.random;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a GGUF file back as the format's specification describes it, independently of the writer:
 * metadata values as Java values (strings, unsigned 32-bit integers as {@code Long}, floats, booleans,
 * string arrays as {@code List<String>}, int32 arrays as {@code int[]}) and tensor descriptions.
 */
final class GgufReader {

    /** One tensor description; {@code offset} counts from the start of the data section. */
    record TensorInfo(String name, long[] dims, int type, long offset) {
        @Override
        public String toString() {
            return name + Arrays.toString(dims) + " type " + type + " at " + offset;
        }
    }

    final byte[] file;
    final String magic;
    final int version;
    final Map<String, Object> metadata = new LinkedHashMap<>();
    final List<TensorInfo> tensors = new ArrayList<>();
    final long dataStart;
    private final ByteBuffer in;

    GgufReader(Path path) throws IOException {
        file = Files.readAllBytes(path);
        in = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        byte[] m = new byte[4];
        in.get(m);
        magic = new String(m, StandardCharsets.US_ASCII);
        version = in.getInt();
        long tensorCount = in.getLong();
        long kvCount = in.getLong();
        for (long i = 0; i < kvCount; i++) {
            String key = string();
            Object previous = metadata.put(key, value(in.getInt()));
            if (previous != null) {
                throw new IllegalStateException("key " + key + " appears twice");
            }
        }
        for (long i = 0; i < tensorCount; i++) {
            String name = string();
            long[] dims = new long[in.getInt()];
            for (int d = 0; d < dims.length; d++) {
                dims[d] = in.getLong();
            }
            tensors.add(new TensorInfo(name, dims, in.getInt(), in.getLong()));
        }
        long alignment = (Long) metadata.getOrDefault("general.alignment", 32L);
        dataStart = (in.position() + alignment - 1) / alignment * alignment;
    }

    TensorInfo tensor(String name) {
        return tensors.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no tensor " + name + " in " + tensors));
    }

    /** {@code length} bytes of {@code tensor}'s data. */
    byte[] data(TensorInfo tensor, int length) {
        int start = Math.toIntExact(dataStart + tensor.offset());
        return Arrays.copyOfRange(file, start, start + length);
    }

    /** The bytes between the end of the tensor descriptions and the data section. */
    byte[] headerPadding() {
        return Arrays.copyOfRange(file, in.position(), (int) dataStart);
    }

    private Object value(int type) {
        return switch (type) {
            case 0 -> (long) Byte.toUnsignedInt(in.get());
            case 4 -> Integer.toUnsignedLong(in.getInt());
            case 5 -> in.getInt();
            case 6 -> in.getFloat();
            case 7 -> switch (in.get()) {
                case 0 -> false;
                case 1 -> true;
                default -> throw new IllegalStateException("a bool that is neither 0 nor 1");
            };
            case 8 -> string();
            case 9 -> array(in.getInt(), Math.toIntExact(in.getLong()));
            default -> throw new IllegalStateException("value type " + type + " is not one this writer uses");
        };
    }

    private Object array(int type, int count) {
        if (type == 8) {
            List<String> strings = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                strings.add(string());
            }
            return strings;
        }
        if (type == 5) {
            int[] ints = new int[count];
            for (int i = 0; i < count; i++) {
                ints[i] = in.getInt();
            }
            return ints;
        }
        throw new IllegalStateException("array of value type " + type + " is not one this writer uses");
    }

    private String string() {
        byte[] bytes = new byte[Math.toIntExact(in.getLong())];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
