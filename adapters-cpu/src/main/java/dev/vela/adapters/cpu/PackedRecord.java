package dev.vela.adapters.cpu;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.zip.CRC32C;

/**
 * What a packed file held when it was written, kept in a small text file beside it: the
 * {@link FileIdentity} it had when its bytes were last known good, and a CRC-32C of each
 * {@link #CHUNK} bytes of them (chunks, so that a check runs on every core).
 *
 * <p>{@code settled} says whether the identity can stand for the bytes: only once the file's
 * change time is clearly older than the moment its bytes were checked. A change time is as coarse
 * as the file system's clock (milliseconds, or seconds), so a rewrite in the same tick as the
 * packing would leave the identity as it was; a record written when the file was packed is never
 * settled, and the next start checks the digest once and settles it.
 */
record PackedRecord(FileIdentity identity, boolean settled, long[] crcs) {

    /** Bytes per CRC-32C. */
    static final long CHUNK = 4L << 20;
    private static final String FORMAT = "vela-packed-record-1";

    /** The CRC-32C of each {@link #CHUNK} bytes of {@code bytes}, computed on {@code pool}. */
    static long[] digest(MemorySegment bytes, WorkerPool pool) {
        long[] crcs = new long[chunks(bytes.byteSize())];
        pool.run(crcs.length, (from, to) -> {
            for (int c = from; c < to; c++) {
                CRC32C crc = new CRC32C();
                long at = c * CHUNK;
                crc.update(bytes.asSlice(at, Math.min(CHUNK, bytes.byteSize() - at)).asByteBuffer());
                crcs[c] = crc.getValue();
            }
        });
        return crcs;
    }

    /**
     * The CRC-32C of each {@link #CHUNK} bytes of the {@code size} bytes read from {@code file},
     * computed on {@code pool}. Read, not mapped: a file's pages are then not faulted in a mapping
     * of its own, and no mapping has to be released.
     */
    static long[] digest(FileChannel file, long size, WorkerPool pool) {
        long[] crcs = new long[chunks(size)];
        pool.run(crcs.length, (from, to) -> {
            try (Arena arena = Arena.ofConfined()) {
                ByteBuffer buffer = arena.allocate(CHUNK).asByteBuffer();
                for (int c = from; c < to; c++) {
                    long at = c * CHUNK;
                    buffer.clear().limit((int) Math.min(CHUNK, size - at));
                    while (buffer.hasRemaining()) {
                        if (file.read(buffer, at + buffer.position()) < 0) {
                            throw new EOFException("the file ends before byte " + size);
                        }
                    }
                    CRC32C crc = new CRC32C();
                    crc.update(buffer.flip());
                    crcs[c] = crc.getValue();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return crcs;
    }

    /**
     * Where the {@code size} bytes of {@code file} differ from what was recorded: the first chunk
     * whose CRC-32C is not the recorded one, or the size; empty when they are the bytes recorded.
     */
    Optional<String> difference(FileChannel file, long size, WorkerPool pool) {
        if (size != identity.size()) {
            return Optional.of("it is " + size + " bytes, " + identity.size() + " were packed");
        }
        long[] now = digest(file, size, pool);
        for (int c = 0; c < now.length; c++) {
            if (now[c] != crcs[c]) {
                long at = c * CHUNK;
                return Optional.of(String.format("the CRC-32C of bytes %d to %d is %08x, %08x was packed",
                        at, Math.min(at + CHUNK, size), now[c], crcs[c]));
            }
        }
        return Optional.empty();
    }

    private static int chunks(long size) {
        return Math.toIntExact((size + CHUNK - 1) / CHUNK);
    }

    /** Whether the identity of a file checked {@code at} stands for its bytes from then on. */
    static boolean settles(FileIdentity identity, Instant checkedAt, Duration clockTick) {
        return identity.changed().map(changed -> changed.toInstant().isBefore(checkedAt.minus(clockTick))).orElse(false);
    }

    /** The record in {@code file}; empty when there is none or it is not one (cut short, overwritten). */
    static Optional<PackedRecord> read(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            if (lines.isEmpty() || !FORMAT.equals(lines.getFirst())) {
                return Optional.empty();
            }
            Map<String, String> fields = new LinkedHashMap<>();
            for (String line : lines.subList(1, lines.size())) {
                int equals = line.indexOf('=');
                if (equals < 0) {
                    return Optional.empty();
                }
                fields.put(line.substring(0, equals), line.substring(equals + 1));
            }
            OptionalLong size = number(fields.get("size"));
            String key = fields.get("key");
            String modified = fields.get("modified");
            String changed = fields.get("changed");
            String settled = fields.get("settled");
            String crcs = fields.get("crc32c");
            if (size.isEmpty() || key == null || modified == null || changed == null || settled == null || crcs == null) {
                return Optional.empty();
            }
            FileIdentity identity = new FileIdentity(size.getAsLong(), key, time(modified),
                    changed.isEmpty() ? Optional.empty() : Optional.of(time(changed)));
            long[] values = crcs.isEmpty() ? new long[0]
                    : Arrays.stream(crcs.split(",")).mapToLong(hex -> Long.parseLong(hex, 16)).toArray();
            if (values.length != (size.getAsLong() + CHUNK - 1) / CHUNK) {
                return Optional.empty();
            }
            return Optional.of(new PackedRecord(identity, Boolean.parseBoolean(settled), values));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Writes the record to {@code file}, beside its final name first, so that a record under its name is whole. */
    void write(Path file) throws IOException {
        List<String> hex = new ArrayList<>();
        for (long crc : crcs) {
            hex.add(HexFormat.of().toHexDigits((int) crc));
        }
        String text = FORMAT + "\nsize=" + identity.size() + "\nkey=" + identity.key()
                + "\nmodified=" + identity.modified().toInstant()
                + "\nchanged=" + identity.changed().map(time -> time.toInstant().toString()).orElse("")
                + "\nsettled=" + settled + "\ncrc32c=" + String.join(",", hex) + "\n";
        Path partial = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".partial");
        try {
            Files.writeString(partial, text);
            Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
    }

    private static OptionalLong number(String text) {
        try {
            return text == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    private static FileTime time(String text) {
        return FileTime.from(Instant.parse(text));
    }
}
