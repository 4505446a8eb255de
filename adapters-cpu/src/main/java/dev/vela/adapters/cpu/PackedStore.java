package dev.vela.adapters.cpu;

import dev.vela.application.port.out.ModelWeights;
import dev.vela.application.port.out.WeightTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Where the repacked matrices live. With a directory, each matrix is a file there, written once
 * and memory-mapped read-only (later starts map it at once; the pages are the kernel's page cache,
 * shared by every process serving the same weights). Without one, off-heap memory.
 *
 * <p>A file is named after the tensor and a digest of what determines its bytes: the layout
 * version, the vector width, the element type, the shape and where the source bytes come from
 * ({@link ModelWeights#origin}: file, size, modification time, offset), or a CRC-32C of them when
 * the weights cannot say (reading them all at every start otherwise). It is written beside its
 * final name and renamed into place, so a file under a final name is complete.
 * Writes go through the file channel, so a full disk is an {@link IOException}, not a fault in
 * mapped memory; then the matrix is packed in memory instead and the server starts all the same.
 *
 * <p>The directory belongs to one model's weights: once they are all packed,
 * {@link #removeUnused} deletes the files this load did not use (packed from an earlier version of
 * the weights, or by a Vela with another layout or vector width), and partial files a start that
 * died left behind, so that changing the weights does not fill the disk.
 */
final class PackedStore implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.vela.adapters.cpu");
    /** Changes whenever the packed layout does, so that old files are never read as new ones. */
    private static final String LAYOUT = "vela-packed-1";
    private static final long IO_CHUNK = 1L << 30;

    private final Arena arena = Arena.ofShared();
    /** How old a partial file must be before it counts as left behind rather than being written. */
    private static final Duration PARTIAL_AGE = Duration.ofHours(1);

    private final Optional<Path> directory;
    private final ModelWeights weights;
    private final Set<Path> used = new HashSet<>();
    private boolean warned;

    private PackedStore(Optional<Path> directory, ModelWeights weights) {
        this.directory = directory;
        this.weights = weights;
    }

    /** Packed matrices in off-heap memory. */
    static PackedStore inMemory() {
        return new PackedStore(Optional.empty(), null);
    }

    /**
     * Packed matrices of {@code weights} in files under {@code directory} (created when missing),
     * memory-mapped.
     */
    static PackedStore inFiles(Path directory, ModelWeights weights) {
        return new PackedStore(Optional.of(directory), weights);
    }

    /**
     * {@code bytes} bytes holding {@code source} packed: mapped from an earlier start's file when
     * there is one, else filled by {@code pack} (and kept in a file when there is a directory).
     */
    MemorySegment segment(WeightTensor source, long bytes, Consumer<MemorySegment> pack) {
        if (directory.isEmpty()) {
            MemorySegment memory = arena.allocate(bytes, 64);
            pack.accept(memory);
            return memory;
        }
        Path file = directory.get().resolve(fileName(source));
        used.add(file);
        try {
            if (Files.isRegularFile(file) && Files.size(file) == bytes) {
                return map(file, bytes);
            }
            write(file, bytes, pack);
            return map(file, bytes);
        } catch (IOException | UncheckedIOException e) {
            if (!warned) {
                warned = true;
                LOG.log(System.Logger.Level.WARNING, "Packing the CPU weights in memory: cannot keep them in "
                        + directory.get() + " (" + e.getMessage() + ")");
            }
            MemorySegment memory = arena.allocate(bytes, 64);
            pack.accept(memory);
            return memory;
        }
    }

    /**
     * Deletes the packed files in the directory this store did not use, and partial files older
     * than {@link #PARTIAL_AGE}; returns how many. Files mapped by another process stay readable
     * to it (a deleted file lives on while mapped). Failures are logged, not thrown: a file that
     * cannot be deleted only takes disk space.
     */
    int removeUnused() {
        if (directory.isEmpty() || !Files.isDirectory(directory.get())) {
            return 0;
        }
        int removed = 0;
        Instant partialBefore = Instant.now().minus(PARTIAL_AGE);
        try (var listing = Files.list(directory.get())) {
            for (Path file : listing.toList()) {
                String name = file.getFileName().toString();
                boolean stale = name.endsWith(".bin") && !used.contains(file)
                        || name.endsWith(".partial") && Files.getLastModifiedTime(file).toInstant().isBefore(partialBefore);
                if (stale && Files.isRegularFile(file) && Files.deleteIfExists(file)) {
                    removed++;
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.WARNING, "Could not remove old packed weights in " + directory.get()
                    + " (" + e.getMessage() + ")");
        }
        if (removed > 0) {
            LOG.log(System.Logger.Level.INFO, "Removed " + removed + " packed weight files no longer used from " + directory.get());
        }
        return removed;
    }

    private MemorySegment map(Path file, long bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, bytes, arena);
        }
    }

    private static void write(Path file, long bytes, Consumer<MemorySegment> pack) throws IOException {
        Files.createDirectories(file.getParent());
        Path partial = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".partial");
        try (Arena scratch = Arena.ofShared(); FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            MemorySegment memory = scratch.allocate(bytes, 64);
            pack.accept(memory);
            for (long at = 0; at < bytes; at += IO_CHUNK) {
                ByteBuffer buffer = memory.asSlice(at, Math.min(IO_CHUNK, bytes - at)).asByteBuffer();
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            channel.force(false);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private String fileName(WeightTensor source) {
        String origin = weights.origin(source.name()).orElseGet(() -> "crc32c:" + crc(source.data()));
        String identity = LAYOUT + "|" + Matrix.L + "|" + source.type() + "|" + java.util.Arrays.toString(source.shape())
                + "|" + source.data().byteSize() + "|" + origin;
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
            return source.name().replaceAll("[^A-Za-z0-9._-]", "_") + "-" + HexFormat.of().formatHex(digest, 0, 12) + ".bin";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    private static long crc(MemorySegment data) {
        CRC32C crc = new CRC32C();
        for (long at = 0; at < data.byteSize(); at += IO_CHUNK) {
            crc.update(data.asSlice(at, Math.min(IO_CHUNK, data.byteSize() - at)).asByteBuffer());
        }
        return crc.getValue();
    }

    @Override
    public void close() {
        arena.close();
    }
}
