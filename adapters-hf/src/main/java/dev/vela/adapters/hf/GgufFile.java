package dev.vela.adapters.hf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF file (versions 2 and 3, little-endian), memory-mapped: its metadata and its tensor
 * descriptions, read and checked when it is opened, and each tensor's bytes as a slice of the
 * mapping. Every length, count, dimension and offset is checked against the file's size before it
 * is used, so a truncated or corrupt file is a {@link ModelDirectoryException} naming the file and
 * what is wrong, never a read past the mapping.
 *
 * <p>Metadata arrays (the tokenizer's vocabulary, merges) are stepped over, not kept: Vela takes the
 * tokenizer from the Hugging Face tokenizer named beside the file.
 */
public final class GgufFile implements AutoCloseable {

    /** ggml's default alignment of the data section and of each tensor in it. */
    static final int DEFAULT_ALIGNMENT = 32;
    private static final int MAX_DIMS = 4;
    /** ggml's names of its types by number, for messages about the ones Vela does not read. */
    private static final List<String> GGML_TYPE_NAMES = List.of("F32", "F16", "Q4_0", "Q4_1", "Q4_2", "Q4_3", "Q5_0",
            "Q5_1", "Q8_0", "Q8_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS",
            "IQ1_S", "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M", "BF16");
    private static final ValueLayout.OfShort SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt INT = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong LONG = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * One tensor: its GGUF name, its dimensions innermost first (ggml's order), its type and where
     * its bytes are in the file.
     */
    public record TensorInfo(String name, long[] dims, GgmlType type, long fileOffset, long bytes) {

        public TensorInfo {
            dims = dims.clone();
        }

        @Override
        public long[] dims() {
            return dims.clone();
        }

        /** The shape outermost first, as the weights port and PyTorch give it. */
        public long[] shape() {
            long[] shape = new long[dims.length];
            for (int i = 0; i < dims.length; i++) {
                shape[i] = dims[dims.length - 1 - i];
            }
            return shape;
        }
    }

    private final String fileName;
    private final Arena arena;
    private final MemorySegment mapped;
    private final int version;
    private final Map<String, Object> metadata;
    private final Map<String, TensorInfo> tensors;

    private GgufFile(String fileName, Arena arena, MemorySegment mapped, int version, Map<String, Object> metadata,
                     Map<String, TensorInfo> tensors) {
        this.fileName = fileName;
        this.arena = arena;
        this.mapped = mapped;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /** Maps {@code file} and reads its header. */
    public static GgufFile open(Path file) {
        String name = String.valueOf(file.getFileName());
        Arena arena = Arena.ofShared();
        try {
            MemorySegment mapped;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            } catch (IOException e) {
                throw new ModelDirectoryException(name + ": cannot be read (" + e.getMessage() + ")", e);
            }
            return read(name, arena, mapped);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    private static GgufFile read(String name, Arena arena, MemorySegment mapped) {
        Cursor in = new Cursor(name, mapped);
        if (mapped.byteSize() < 4 || in.int32() != 0x46554747) {
            throw new ModelDirectoryException(name + ": not a GGUF file (it does not start with \"GGUF\")");
        }
        int version = in.int32();
        if (version != 2 && version != 3) {
            throw new ModelDirectoryException(name + ": GGUF version " + Integer.toUnsignedLong(version)
                    + (Integer.reverseBytes(version) == 3 || Integer.reverseBytes(version) == 2 ? " (a big-endian file)" : "")
                    + " is not read; Vela reads little-endian GGUF versions 2 and 3");
        }
        long tensorCount = in.count("tensor count", 8 + 4 + 4 + 8);
        long metadataCount = in.count("metadata count", 8 + 4 + 1);
        Map<String, Object> metadata = new LinkedHashMap<>();
        for (long i = 0; i < metadataCount; i++) {
            String key = in.string();
            if (metadata.put(key, in.value(in.int32(), key)) != null) {
                throw in.corrupt("metadata key " + key + " appears twice");
            }
        }
        long alignment = metadata.get("general.alignment") instanceof Number number ? number.longValue() : DEFAULT_ALIGNMENT;
        if (alignment <= 0 || alignment > (1 << 20) || Long.bitCount(alignment) != 1) {
            throw in.corrupt("general.alignment " + alignment + " is not a power of two");
        }
        record Described(String name, long[] dims, GgmlType type, long offset, long bytes) {
        }
        List<Described> described = new ArrayList<>();
        for (long i = 0; i < tensorCount; i++) {
            String tensor = in.string();
            int rank = in.int32();
            if (rank < 1 || rank > MAX_DIMS) {
                throw in.corrupt("tensor " + tensor + " has " + Integer.toUnsignedLong(rank) + " dimensions (1 to " + MAX_DIMS + " allowed)");
            }
            long[] dims = new long[rank];
            long elements = 1;
            for (int d = 0; d < rank; d++) {
                dims[d] = in.int64();
                if (dims[d] <= 0) {
                    throw in.corrupt("tensor " + tensor + " has a dimension of " + dims[d]);
                }
                elements = multiply(in, tensor, elements, dims[d]);
            }
            int typeId = in.int32();
            GgmlType type = GgmlType.ofId(typeId).orElseThrow(() -> new ModelDirectoryException(name + ": tensor " + tensor
                    + " is of ggml type " + typeName(typeId) + "; Vela reads F32, F16, BF16, Q8_0 and Q4_0"));
            if (dims[0] % type.blockElements() != 0) {
                throw in.corrupt("tensor " + tensor + " has rows of " + dims[0] + " elements, not whole " + type
                        + " blocks of " + type.blockElements());
            }
            long offset = in.int64();
            if (offset < 0 || offset % alignment != 0) {
                throw in.corrupt("tensor " + tensor + " starts at offset " + offset + ", not a multiple of the alignment " + alignment);
            }
            long bytes = multiply(in, tensor, elements / type.blockElements(), type.blockBytes());
            described.add(new Described(tensor, dims, type, offset, bytes));
        }
        long dataStart = (in.position() + alignment - 1) / alignment * alignment;
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Described t : described) {
            long end = dataStart + t.offset() + t.bytes();
            if (t.offset() > mapped.byteSize() || end < 0 || end > mapped.byteSize()) {
                throw new ModelDirectoryException(name + ": truncated; tensor " + t.name() + " ends at byte "
                        + (dataStart + t.offset() + t.bytes()) + " of a file of " + mapped.byteSize() + " bytes");
            }
            if (tensors.put(t.name(), new TensorInfo(t.name(), t.dims(), t.type(), dataStart + t.offset(), t.bytes())) != null) {
                throw in.corrupt("tensor " + t.name() + " is described twice");
            }
        }
        return new GgufFile(name, arena, mapped, version, Collections.unmodifiableMap(metadata),
                Collections.unmodifiableMap(tensors));
    }

    private static long multiply(Cursor in, String tensor, long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw in.corrupt("tensor " + tensor + " is too large to be in a file");
        }
    }

    /** ggml's name for type number {@code id}. */
    static String typeName(int id) {
        return id >= 0 && id < GGML_TYPE_NAMES.size() ? GGML_TYPE_NAMES.get(id) + " (" + id + ")" : "number " + Integer.toUnsignedLong(id);
    }

    /** The file's name, for messages. */
    public String fileName() {
        return fileName;
    }

    public int version() {
        return version;
    }

    /**
     * The metadata: strings, numbers (unsigned 8-, 16- and 32-bit integers as {@code Long}, signed
     * ones as {@code Integer} or {@code Long}, floats as {@code Float} or {@code Double}), booleans; an
     * array as its {@link ArrayValue} (element type and length).
     */
    public Map<String, Object> metadata() {
        return metadata;
    }

    /** The string value of {@code key}, if it is one. */
    public Optional<String> string(String key) {
        return metadata.get(key) instanceof String value ? Optional.of(value) : Optional.empty();
    }

    /** The tensors by GGUF name, in the file's order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The bytes of {@code tensor}, in place. */
    public MemorySegment data(TensorInfo tensor) {
        return mapped.asSlice(tensor.fileOffset(), tensor.bytes());
    }

    /** The file's size in bytes. */
    public long size() {
        return mapped.byteSize();
    }

    @Override
    public void close() {
        arena.close();
    }

    /** A metadata array: the GGUF type number of its elements and how many there are. */
    public record ArrayValue(int elementType, long length) {
    }

    /** Reads the header forward, checking that each item lies within the file. */
    private static final class Cursor {
        private final String file;
        private final MemorySegment bytes;
        private long position;

        Cursor(String file, MemorySegment bytes) {
            this.file = file;
            this.bytes = bytes;
        }

        long position() {
            return position;
        }

        ModelDirectoryException corrupt(String what) {
            return new ModelDirectoryException(file + ": not a valid GGUF file: " + what);
        }

        private long take(long n) {
            if (n < 0 || n > bytes.byteSize() - position) {
                throw new ModelDirectoryException(file + ": truncated; its header needs " + n + " bytes at byte "
                        + position + " of a file of " + bytes.byteSize() + " bytes");
            }
            long at = position;
            position += n;
            return at;
        }

        int int32() {
            return bytes.get(INT, take(4));
        }

        long int64() {
            return bytes.get(LONG, take(8));
        }

        /** A count of items each at least {@code minBytes} long: more than the rest of the file holds is corrupt. */
        long count(String what, long minBytes) {
            long count = int64();
            if (count < 0 || count > (bytes.byteSize() - position) / minBytes) {
                throw corrupt(what + " " + Long.toUnsignedString(count) + " is more than the file of " + bytes.byteSize()
                        + " bytes holds");
            }
            return count;
        }

        String string() {
            long length = int64();
            if (length < 0 || length > bytes.byteSize() - position) {
                throw new ModelDirectoryException(file + ": truncated or corrupt; a string of " + Long.toUnsignedString(length)
                        + " bytes at byte " + position + " of a file of " + bytes.byteSize() + " bytes");
            }
            if (length > Integer.MAX_VALUE - 8) {
                throw corrupt("a string of " + length + " bytes");
            }
            byte[] utf8 = bytes.asSlice(take(length), length).toArray(ValueLayout.JAVA_BYTE);
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(utf8)).toString();
            } catch (CharacterCodingException e) {
                throw corrupt("a string at byte " + (position - length) + " is not UTF-8");
            }
        }

        Object value(int type, String key) {
            return switch (type) {
                case 0 -> (long) Byte.toUnsignedInt(bytes.get(ValueLayout.JAVA_BYTE, take(1)));
                case 1 -> (int) bytes.get(ValueLayout.JAVA_BYTE, take(1));
                case 2 -> (long) Short.toUnsignedInt(bytes.get(SHORT, take(2)));
                case 3 -> (int) bytes.get(SHORT, take(2));
                case 4 -> Integer.toUnsignedLong(int32());
                case 5 -> int32();
                case 6 -> Float.intBitsToFloat(int32());
                case 7 -> bool(key);
                case 8 -> string();
                case 9 -> array(key);
                case 10, 11 -> int64();
                case 12 -> Double.longBitsToDouble(int64());
                default -> throw corrupt("metadata " + key + " has value type " + Integer.toUnsignedLong(type));
            };
        }

        private boolean bool(String key) {
            byte value = bytes.get(ValueLayout.JAVA_BYTE, take(1));
            if (value != 0 && value != 1) {
                throw corrupt("metadata " + key + " is a boolean of value " + value);
            }
            return value == 1;
        }

        /** Steps over an array, checking each element; nested arrays are stepped over too. */
        private ArrayValue array(String key) {
            int elementType = int32();
            long length = count("array " + key + " of length", elementType == 7 || elementType <= 1 ? 1 : 2);
            int fixed = switch (elementType) {
                case 0, 1, 7 -> 1;
                case 2, 3 -> 2;
                case 4, 5, 6 -> 4;
                case 10, 11, 12 -> 8;
                case 8, 9 -> 0;
                default -> throw corrupt("metadata " + key + " is an array of value type " + Integer.toUnsignedLong(elementType));
            };
            if (fixed > 0) {
                take(Math.multiplyExact(length, fixed));
            } else {
                for (long i = 0; i < length; i++) {
                    value(elementType, key);
                }
            }
            return new ArrayValue(elementType, length);
        }
    }

    @Override
    public String toString() {
        return fileName + " (GGUF v" + version + ", " + tensors.size() + " tensors, " + metadata.size() + " metadata keys)";
    }
}
