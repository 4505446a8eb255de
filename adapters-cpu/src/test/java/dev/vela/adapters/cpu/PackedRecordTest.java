package dev.vela.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The digest of a packed file, chunk by chunk, and the record that keeps it. */
class PackedRecordTest {

    @Test
    void theFirstChunkThatDiffersIsNamed(@TempDir Path directory) throws Exception {
        long bytes = 2 * PackedRecord.CHUNK + 1000;
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(2)) {
            MemorySegment packed = arena.allocate(bytes);
            for (long at = 0; at < bytes; at++) {
                packed.set(ValueLayout.JAVA_BYTE, at, (byte) (at * 31));
            }
            Path file = Files.write(directory.resolve("w.bin"), packed.toArray(ValueLayout.JAVA_BYTE));
            PackedRecord record = new PackedRecord(FileIdentity.of(file), false, PackedRecord.digest(packed, pool));
            assertEquals(3, record.crcs().length);
            try (FileChannel channel = FileChannel.open(file)) {
                assertEquals(Optional.empty(), record.difference(channel, bytes, pool));
            }

            packed.set(ValueLayout.JAVA_BYTE, 2 * PackedRecord.CHUNK + 999, (byte) 1);
            Files.write(file, packed.toArray(ValueLayout.JAVA_BYTE));
            String difference;
            try (FileChannel channel = FileChannel.open(file)) {
                difference = record.difference(channel, bytes, pool).orElseThrow();
            }
            assertTrue(difference.startsWith("the CRC-32C of bytes " + 2 * PackedRecord.CHUNK + " to " + bytes + " is "),
                    difference);
        }
    }

    @Test
    void aRecordReadsBackAsItWasWritten(@TempDir Path directory) throws Exception {
        Path file = Files.write(directory.resolve("w.bin"), new byte[5000]);
        PackedRecord written = new PackedRecord(FileIdentity.of(file), true, new long[] {0xfedcba98L});
        written.write(directory.resolve("w.bin.record"));

        PackedRecord read = PackedRecord.read(directory.resolve("w.bin.record")).orElseThrow();
        assertTrue(read.identity().sameAs(FileIdentity.of(file)));
        assertTrue(read.settled());
        assertArrayEquals(new long[] {0xfedcba98L}, read.crcs());
    }
}
