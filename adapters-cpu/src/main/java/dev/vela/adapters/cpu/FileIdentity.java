package dev.vela.adapters.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Objects;
import java.util.Optional;

/**
 * What the file system says about a file without its bytes being read: its size, its key (device
 * and inode), its modification time and, where the file system keeps one, its change time
 * ({@code ctime}). The change time is what makes the identity worth trusting: every write, every
 * rename and every setting of the modification time moves it to the clock, and no program can set
 * it back, so a file rewritten in place with its modification time restored still shows.
 *
 * @param changed empty where the file system has no change time (then the identity alone proves little)
 */
record FileIdentity(long size, String key, FileTime modified, Optional<FileTime> changed) {

    FileIdentity {
        Objects.requireNonNull(key);
        Objects.requireNonNull(modified);
        Objects.requireNonNull(changed);
    }

    static FileIdentity of(Path file) throws IOException {
        BasicFileAttributes basic = Files.readAttributes(file, BasicFileAttributes.class);
        Optional<FileTime> changed = file.getFileSystem().supportedFileAttributeViews().contains("unix")
                ? Optional.of((FileTime) Files.getAttribute(file, "unix:ctime"))
                : Optional.empty();
        return new FileIdentity(basic.size(), String.valueOf(basic.fileKey()), basic.lastModifiedTime(), changed);
    }

    /** The same file, untouched since: every field equal, to the file system's precision. */
    boolean sameAs(FileIdentity other) {
        return size == other.size && key.equals(other.key)
                && modified.toInstant().equals(other.modified.toInstant())
                && changed.map(FileTime::toInstant).equals(other.changed.map(FileTime::toInstant));
    }
}
