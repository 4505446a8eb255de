package dev.vela.adapters.cpu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.logging.Logger;

/**
 * Where the CPU runner keeps each model's packed weights ({@link PackedStore}) under Vela's cache
 * directory (or GGUF file), and the removal of what no model uses any more: one directory per model,
 * so that removing one model's unused files never touches another's, and a restart maps its
 * files at once.
 */
public final class PackedWeightsCache {

    private static final Logger LOG = Logger.getLogger(PackedWeightsCache.class.getName());
    /** The file in a packed directory that names the model directory it was packed from. */
    private static final String SOURCE = "source";

    private final Path packed;

    PackedWeightsCache(Path packed) {
        this.packed = packed;
    }

    /** The packed weights under {@code cacheDir}, in {@code <cacheDir>/packed}. */
    public static PackedWeightsCache under(Path cacheDir) {
        return new PackedWeightsCache(cacheDir.resolve("packed"));
    }

    /**
     * The directory for {@code model}'s packed weights, after removing what no model will use again:
     * packed files an older Vela left directly in the packed directory, and the directories of model
     * directories that are gone or of other snapshots of the same hub model
     * ({@link #removeStaleDirectories}). Files of an earlier version of {@code model}'s own weights
     * are removed by the load that uses the directory ({@link PackedStore}).
     */
    public Path prepare(Path model) {
        removeSharedFiles();
        removeStaleDirectories(model);
        return directoryOf(model);
    }

    /**
     * {@code packed/<model directory name>-<digest of its absolute path>}: one directory per model
     * directory, so that removing one model's unused files never touches another's.
     */
    public Path directoryOf(Path model) {
        Path absolute = model.toAbsolutePath().normalize();
        String name = absolute.getFileName() == null ? "model" : absolute.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(absolute.toString().getBytes(StandardCharsets.UTF_8));
            return packed.resolve(name + "-" + HexFormat.of().formatHex(digest, 0, 6));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /**
     * Records in {@code model}'s packed directory which model directory it holds (a file named
     * {@value #SOURCE}), and deletes the packed directories that say their model directory (or GGUF file) is gone or,
     * when {@code model} is a snapshot of a hub model, that it is another snapshot of the same model
     * (only the revision being served keeps its packed copy; going back to another packs it again).
     * Directories without that file are left alone. A Vela still running on a deleted directory
     * keeps its mapped files.
     */
    void removeStaleDirectories(Path model) {
        Path own = directoryOf(model);
        Path absolute = model.toAbsolutePath().normalize();
        try {
            Files.createDirectories(own);
            Files.writeString(own.resolve(SOURCE), absolute.toString());
            try (var listing = Files.list(packed)) {
                for (Path directory : listing.filter(Files::isDirectory).filter(d -> !d.equals(own)).toList()) {
                    Path source = directory.resolve(SOURCE);
                    if (Files.isRegularFile(source)) {
                        Path from = Path.of(Files.readString(source).strip());
                        if (!Files.exists(from) || otherSnapshot(from, absolute)) {
                            deleteDirectory(directory);
                            LOG.info("Removed packed weights no model uses any more: " + directory + " (from " + from + ")");
                        }
                    }
                }
            }
        } catch (IOException | UncheckedIOException | InvalidPathException e) {
            LOG.warning("Could not tidy the packed weights in " + packed + " (" + e.getMessage() + ")");
        }
    }

    /** Whether {@code other} is another snapshot of the hub model {@code model} is a snapshot of. */
    private static boolean otherSnapshot(Path other, Path model) {
        Path snapshots = model.getParent();
        return snapshots != null && snapshots.getFileName() != null && "snapshots".equals(snapshots.getFileName().toString())
                && snapshots.equals(other.getParent()) && !other.equals(model);
    }

    private static void deleteDirectory(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(directory);
    }

    /**
     * Deletes packed files lying directly in the packed directory, where Vela kept every model's
     * before each model had a directory of its own: nothing would ever remove them (gigabytes each).
     */
    private void removeSharedFiles() {
        if (!Files.isDirectory(packed)) {
            return;
        }
        try (var listing = Files.list(packed)) {
            for (Path file : listing.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(".bin") || name.endsWith(".partial")) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.warning("Could not remove old packed weights in " + packed + " (" + e.getMessage() + ")");
        }
    }
}
