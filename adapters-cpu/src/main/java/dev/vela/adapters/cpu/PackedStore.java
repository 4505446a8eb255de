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
import java.time.Clock;
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
 * version, the vector width, the element type, the packed element type (a changed
 * {@code --quantization} packs again), the shape and where the source bytes come from
 * ({@link ModelWeights#origin}: file, size, modification time, offset), or a CRC-32C of them when
 * the weights cannot say (reading them all at every start otherwise). It is written beside its
 * final name and renamed into place, so a file under a final name is complete.
 * Writes go through the file channel, so a full disk is an {@link IOException}, not a fault in
 * mapped memory; then the matrix is packed in memory instead and the server starts all the same.
 *
 * <p>A file is mapped only while it holds what was packed into it: beside it, a {@link PackedRecord}
 * keeps a CRC-32C of its bytes, computed when they were packed, and the file's identity. A file whose
 * identity is the one recorded and settled is mapped without being read (no start pays for reading
 * gigabytes); any other, and one packed by the previous start, is read once and checked against the
 * digest. A file that was cut, overwritten (even with its modification time set back), replaced or
 * has lost its record is packed again from the weights, and a warning says which and why.
 *
 * <p>The directory belongs to one model's weights: once they are all packed,
 * {@link #removeUnused} deletes the files (and records) this load did not use (packed from an earlier version of
 * the weights, or by a Vela with another layout or vector width), and partial files a start that
 * died left behind, so that changing the weights does not fill the disk.
 */
final class PackedStore implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger("dev.vela.adapters.cpu");
    /** Changes whenever the packed layout does, so that old files are never read as new ones. */
    private static final String LAYOUT = "vela-packed-2";
    private static final long IO_CHUNK = 1L << 30;

    private final Arena arena = Arena.ofShared();
    /** How old a partial file must be before it counts as left behind rather than being written. */
    private static final Duration PARTIAL_AGE = Duration.ofHours(1);

    /**
     * How much older than the moment of a check a file's change time must be for its identity to
     * stand for the bytes checked: more than the coarsest clock of a file system's times.
     */
    private static final Duration CLOCK_TICK = Duration.ofSeconds(5);
    /** What the name of the record beside a packed file ends with. */
    private static final String RECORD = ".record";
    private static final String NO_RECORD = "has no record of what was packed into it";

    private final Optional<Path> directory;
    private final ModelWeights weights;
    private final Clock clock;
    private final Set<Path> used = new HashSet<>();
    private boolean warned;
    private int mapped;
    private int checked;
    private long checkedBytes;
    private long checkedNanos;
    private int repacked;
    private int written;
    private int unrecordedSeen;

    private PackedStore(Optional<Path> directory, ModelWeights weights, Clock clock) {
        this.directory = directory;
        this.weights = weights;
        this.clock = clock;
    }

    /** Packed matrices in off-heap memory. */
    static PackedStore inMemory() {
        return new PackedStore(Optional.empty(), null, Clock.systemUTC());
    }

    /**
     * Packed matrices of {@code weights} in files under {@code directory} (created when missing),
     * memory-mapped.
     */
    static PackedStore inFiles(Path directory, ModelWeights weights) {
        return inFiles(directory, weights, Clock.systemUTC());
    }

    /** {@link #inFiles(Path, ModelWeights)} with the clock that decides when a file's identity is settled. */
    static PackedStore inFiles(Path directory, ModelWeights weights, Clock clock) {
        return new PackedStore(Optional.of(directory), weights, clock);
    }

    /**
     * {@code bytes} bytes holding {@code source} packed: mapped from an earlier start's file when
     * there is one that still holds what was packed into it, else filled by {@code pack} (and kept
     * in a file when there is a directory); digests are computed and checked on {@code pool}.
     */
    MemorySegment segment(WeightTensor source, WeightTensor.Type packedType, long bytes, WorkerPool pool,
                          Consumer<MemorySegment> pack) {
        if (directory.isEmpty()) {
            MemorySegment memory = arena.allocate(bytes, 64);
            pack.accept(memory);
            return memory;
        }
        Path file = directory.get().resolve(fileName(source, packedType));
        Path record = recordOf(file);
        used.add(file);
        used.add(record);
        try {
            if (Files.isRegularFile(file)) {
                Optional<String> unfit = unfit(file, record, bytes, pool);
                if (unfit.isEmpty()) {
                    mapped++;
                    return map(file, bytes);
                }
                repacked++;
                boolean unrecorded = unfit.get().startsWith(NO_RECORD);
                if (!unrecorded || unrecordedSeen++ == 0) {
                    // files packed before records were kept have none: one line for them all
                    LOG.log(System.Logger.Level.WARNING, "Packing " + source.name() + " again from the model's weights: "
                            + file + " " + unfit.get() + (unrecorded ? "; every other file without one is packed again too" : ""));
                }
            }
            write(file, record, bytes, pack, pool);
            written++;
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
     * Why {@code file} cannot be served as {@code bytes} packed bytes; empty when it can. An
     * identity the record has settled on is trusted without a read (a write since would have moved
     * the change time); any other file is read and its digest checked against the record, which is
     * then brought up to date, so that the next start trusts it.
     */
    private Optional<String> unfit(Path file, Path recordFile, long bytes, WorkerPool pool) throws IOException {
        FileIdentity identity = FileIdentity.of(file);
        if (identity.size() != bytes) {
            return Optional.of("is " + identity.size() + " bytes, not the " + bytes + " it packs into");
        }
        Optional<PackedRecord> found = PackedRecord.read(recordFile);
        if (found.isEmpty()) {
            return Optional.of(NO_RECORD + " (" + recordFile.getFileName() + ")");
        }
        PackedRecord record = found.get();
        if (record.settled() && record.identity().sameAs(identity)) {
            return Optional.empty();
        }
        Instant checkedAt = clock.instant();
        long started = System.nanoTime();
        Optional<String> difference;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            difference = record.difference(channel, bytes, pool);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        checked++;
        checkedBytes += bytes;
        checkedNanos += System.nanoTime() - started;
        if (difference.isPresent()) {
            return difference.map(what -> "does not hold what was packed into it: " + what);
        }
        boolean settled = PackedRecord.settles(identity, checkedAt, CLOCK_TICK);
        if (settled != record.settled() || !identity.sameAs(record.identity())) {
            try {
                new PackedRecord(identity, settled, record.crcs()).write(recordFile);
            } catch (IOException e) {
                // the bytes were checked; a record that cannot be updated only means checking them again next time
                LOG.log(System.Logger.Level.DEBUG, "Could not update " + recordFile + " (" + e.getMessage() + ")");
            }
        }
        return Optional.empty();
    }

    /**
     * Logs what this load did with the packed files: how many it mapped from earlier starts, how
     * many it wrote (and of those, packed again), and how many it read to check their digests, with
     * how long that took.
     */
    void logSummary() {
        if (directory.isEmpty() || mapped + written == 0) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, String.format("Packed weights in %s: %d mapped from an earlier start, %d "
                        + "written (%d of them packed again); %d read to check their digests (%d MiB in %d ms)",
                directory.get(), mapped, written, repacked, checked, checkedBytes >> 20, checkedNanos / 1_000_000));
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
                boolean stale = (name.endsWith(".bin") || name.endsWith(RECORD)) && !used.contains(file)
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

    /**
     * Packs into memory, records the digest of what was packed, writes it beside {@code file} and
     * renames it into place, then records the file's identity (not settled: see {@link PackedRecord}).
     */
    private static void write(Path file, Path record, long bytes, Consumer<MemorySegment> pack, WorkerPool pool)
            throws IOException {
        Files.createDirectories(file.getParent());
        Path partial = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".partial");
        long[] crcs;
        try (Arena scratch = Arena.ofShared(); FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            MemorySegment memory = scratch.allocate(bytes, 64);
            pack.accept(memory);
            crcs = PackedRecord.digest(memory, pool);
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
        new PackedRecord(FileIdentity.of(file), false, crcs).write(record);
    }

    /** The file beside a packed file that records what was packed into it. */
    private static Path recordOf(Path file) {
        return file.resolveSibling(file.getFileName() + RECORD);
    }

    private String fileName(WeightTensor source, WeightTensor.Type packedType) {
        String origin = weights.origin(source.name()).orElseGet(() -> "crc32c:" + crc(source.data()));
        String identity = LAYOUT + "|" + Matrix.L + "|" + source.type() + "|" + packedType + "|" + java.util.Arrays.toString(source.shape())
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
