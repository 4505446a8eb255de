package dev.vela.adapters.hf.random;

import dev.vela.adapters.hf.GgmlType;
import java.io.ByteArrayOutputStream;
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
 * A GGUF version 3 file, little-endian: the header, the metadata key-value pairs in the order they
 * were put, the tensor descriptions, then each tensor's data at an offset from the start of the
 * data section that is a multiple of {@link #ALIGNMENT}, zero-padded up to the next multiple (the
 * last tensor too, as ggml's and gguf-py's writers do). Tensor data is streamed when the file is
 * written, so models larger than memory convert in bounded memory.
 */
public final class GgufWriter {

    /** Alignment of the data section and of every tensor in it; ggml's default, so readers need no key. */
    public static final int ALIGNMENT = 32;
    static final int VERSION = 3;

    private static final int UINT32 = 4;
    private static final int INT32 = 5;
    private static final int FLOAT32 = 6;
    private static final int BOOL = 7;
    private static final int STRING = 8;
    private static final int ARRAY = 9;

    /** Writes one tensor's data, exactly the bytes its shape and type call for. */
    @FunctionalInterface
    public interface TensorData {
        void writeTo(FileChannel out) throws IOException;
    }

    private record Tensor(String name, long[] dims, GgmlType type, long bytes, TensorData data) {
    }

    private final Encoder metadata = new Encoder();
    private long metadataCount;
    private final List<Tensor> tensors = new ArrayList<>();

    public GgufWriter putString(String key, String value) {
        key(key, STRING).string(value);
        return this;
    }

    public GgufWriter putUint32(String key, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(key + " must not be negative, got " + value);
        }
        key(key, UINT32).int32(value);
        return this;
    }

    public GgufWriter putFloat32(String key, float value) {
        key(key, FLOAT32).int32(Float.floatToRawIntBits(value));
        return this;
    }

    public GgufWriter putBool(String key, boolean value) {
        key(key, BOOL).int8(value ? 1 : 0);
        return this;
    }

    public GgufWriter putStrings(String key, List<String> values) {
        key(key, ARRAY).int32(STRING).int64(values.size());
        values.forEach(metadata::string);
        return this;
    }

    public GgufWriter putInt32s(String key, int[] values) {
        key(key, ARRAY).int32(INT32).int64(values.length);
        for (int value : values) {
            metadata.int32(value);
        }
        return this;
    }

    /**
     * Adds a tensor of ggml shape {@code dims} (innermost dimension first, the reverse of
     * PyTorch's) whose data {@code data} writes when the file is written.
     */
    public GgufWriter addTensor(String name, long[] dims, GgmlType type, TensorData data) {
        long elements = 1;
        for (long d : dims) {
            if (d <= 0) {
                throw new IllegalArgumentException(name + ": dimensions must be positive");
            }
            elements = Math.multiplyExact(elements, d);
        }
        if (dims[0] % type.blockElements() != 0) {
            throw new IllegalArgumentException(name + ": rows of " + dims[0] + " are not whole " + type + " blocks");
        }
        tensors.add(new Tensor(name, dims.clone(), type, type.bytesOf(elements), data));
        return this;
    }

    /** Writes the file; {@code file} is created or replaced. */
    public void write(Path file) throws IOException {
        Encoder head = new Encoder();
        head.raw(new byte[] {'G', 'G', 'U', 'F'}).int32(VERSION).int64(tensors.size()).int64(metadataCount);
        head.raw(metadata.bytes());
        long offset = 0;
        for (Tensor tensor : tensors) {
            head.string(tensor.name()).int32(tensor.dims().length);
            for (long d : tensor.dims()) {
                head.int64(d);
            }
            head.int32(tensor.type().id()).int64(offset);
            offset = padded(offset + tensor.bytes());
        }
        byte[] headBytes = head.bytes();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            writeFully(out, ByteBuffer.wrap(headBytes));
            pad(out);
            long dataStart = out.position();
            for (Tensor tensor : tensors) {
                long start = out.position();
                tensor.data().writeTo(out);
                long written = out.position() - start;
                if (written != tensor.bytes()) {
                    throw new IllegalStateException(tensor.name() + ": wrote " + written + " bytes, its shape and type call for "
                            + tensor.bytes());
                }
                pad(out);
            }
            if (out.position() - dataStart != offset) {
                throw new IllegalStateException("the data section is " + (out.position() - dataStart)
                        + " bytes, the tensor descriptions add up to " + offset);
            }
        }
    }

    /** Writes all of {@code buffer}. */
    static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    private static long padded(long position) {
        return (position + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static void pad(FileChannel out) throws IOException {
        int zeros = (int) (padded(out.position()) - out.position());
        writeFully(out, ByteBuffer.allocate(zeros));
    }

    private Encoder key(String key, int type) {
        metadataCount++;
        return metadata.string(key).int32(type);
    }

    /** Little-endian GGUF scalars and strings (a 64-bit byte length, then UTF-8 without a terminator). */
    private static final class Encoder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteBuffer scratch = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);

        Encoder int8(int value) {
            out.write(value);
            return this;
        }

        Encoder int32(int value) {
            out.write(scratch.clear().putInt(value).array(), 0, 4);
            return this;
        }

        Encoder int64(long value) {
            out.write(scratch.clear().putLong(value).array(), 0, 8);
            return this;
        }

        Encoder string(String value) {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            return int64(utf8.length).raw(utf8);
        }

        Encoder raw(byte[] bytes) {
            out.write(bytes, 0, bytes.length);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
