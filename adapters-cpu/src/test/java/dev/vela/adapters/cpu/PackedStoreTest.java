package dev.vela.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.cpu.RunnerFixture.Models;
import dev.vela.adapters.cpu.RunnerFixture.TestModel;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A packed file is served only while it holds what was packed into it; otherwise it is packed again. */
class PackedStoreTest {

    private static final String TENSOR = "model.layers.0.mlp.gate_proj.weight";
    /** A clock as it reads long after the files were packed, so that their identities settle. */
    private static final Clock LATER = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));

    @TempDir
    static Path modelsDirectory;
    private static SafetensorsModelWeights weights;
    private static WorkerPool pool;
    private static byte[] expected;

    @TempDir
    Path directory;

    @BeforeAll
    static void openWeights() {
        Path model = new Models(modelsDirectory, 5).path(TestModel.TINY_F32);
        weights = SafetensorsModelWeights.open(List.of(model.resolve("model.safetensors")));
        pool = new WorkerPool(2);
        try (PackedStore memory = PackedStore.inMemory()) {
            expected = Matrix.pack(weights.tensor(TENSOR), memory, pool).packed.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    @AfterAll
    static void close() {
        pool.close();
        weights.close();
    }

    @BeforeEach
    void packOnce() {
        load(Clock.systemUTC());
    }

    /** What a load with {@code clock} serves, and what it logged. */
    private record Load(byte[] served, List<String> log) {
    }

    private Load load(Clock clock) {
        try (LogCapture log = new LogCapture("dev.vela.adapters.cpu");
             PackedStore store = PackedStore.inFiles(directory, weights, clock)) {
            byte[] served = Matrix.pack(weights.tensor(TENSOR), store, pool).packed.toArray(ValueLayout.JAVA_BYTE);
            store.logSummary();
            return new Load(served, log.messages());
        }
    }

    private Path packedFile() throws Exception {
        try (var listing = Files.list(directory)) {
            return listing.filter(file -> file.getFileName().toString().endsWith(".bin")).findFirst().orElseThrow();
        }
    }

    private static void assertPackedAgain(Load load, String why) {
        assertArrayEquals(expected, load.served());
        assertTrue(load.log().stream().anyMatch(line -> line.startsWith("Packing " + TENSOR + " again from the model's "
                + "weights: ") && line.contains(why)), load.log().toString());
    }

    private static void assertLogged(Load load, String fragment) {
        assertTrue(load.log().stream().anyMatch(line -> line.contains(fragment)), load.log().toString());
    }

    @Test
    void aSettledFileNobodyTouchedIsMappedWithoutBeingRead() {
        Load checking = load(LATER);
        Load trusting = load(LATER);
        assertArrayEquals(expected, checking.served());
        assertArrayEquals(expected, trusting.served());
        assertLogged(checking, "1 mapped from an earlier start, 0 written (0 of them packed again); 1 read to check their digests");
        assertLogged(trusting, "1 mapped from an earlier start, 0 written (0 of them packed again); 0 read to check their digests");
    }

    @Test
    void aFileOverwrittenInPlaceWithZerosAndItsModificationTimeSetBackIsPackedAgain() throws Exception {
        Path file = packedFile();
        FileTime modified = Files.getLastModifiedTime(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(expected.length), 0);
        }
        Files.setLastModifiedTime(file, modified);

        assertPackedAgain(load(Clock.systemUTC()), "does not hold what was packed into it: the CRC-32C of bytes 0 to "
                + expected.length + " is ");
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void aSettledFileReplacedWithZerosAndItsModificationTimeSetBackIsPackedAgain() throws Exception {
        load(LATER);
        Path file = packedFile();
        FileTime modified = Files.getLastModifiedTime(file);
        Path zeros = Files.write(directory.resolve("zeros"), new byte[expected.length]);
        Files.move(zeros, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.setLastModifiedTime(file, modified);

        assertPackedAgain(load(LATER), "does not hold what was packed into it");
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void anIdenticalCopyPutInPlaceIsCheckedAndKeptNotPackedAgain() throws Exception {
        load(LATER);
        Path file = packedFile();
        Path copy = Files.copy(file, directory.resolve("copy"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

        Load restored = load(LATER);
        assertArrayEquals(expected, restored.served());
        assertLogged(restored, "1 mapped from an earlier start, 0 written (0 of them packed again); 1 read to check their digests");
    }

    @Test
    void aFileCutShortIsPackedAgain() throws Exception {
        Path file = packedFile();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(expected.length / 2);
        }
        assertPackedAgain(load(LATER), "is " + expected.length / 2 + " bytes, not the " + expected.length);
    }

    @Test
    void aFileWhoseRecordIsLostOrOverwrittenIsPackedAgain() throws Exception {
        Path record = packedFile().resolveSibling(packedFile().getFileName() + ".record");
        Files.write(record, new byte[(int) Files.size(record)]);
        assertPackedAgain(load(LATER), "has no record of what was packed into it");
        Files.delete(record);
        assertPackedAgain(load(LATER), "has no record of what was packed into it");
        assertFalse(load(LATER).log().stream().anyMatch(line -> line.startsWith("Packing ")));
    }

    @Test
    void filesPackedBeforeRecordsWereKeptArePackedAgainWithOneLineForAll() throws Exception {
        List<String> tensors = List.of(TENSOR, "model.layers.0.mlp.up_proj.weight", "model.layers.1.mlp.up_proj.weight");
        try (PackedStore store = PackedStore.inFiles(directory, weights, LATER)) {
            tensors.forEach(tensor -> Matrix.pack(weights.tensor(tensor), store, pool));
        }
        try (var records = Files.list(directory)) {
            for (Path record : records.filter(file -> file.toString().endsWith(".record")).toList()) {
                Files.delete(record);
            }
        }
        try (LogCapture log = new LogCapture("dev.vela.adapters.cpu");
             PackedStore store = PackedStore.inFiles(directory, weights, LATER)) {
            tensors.forEach(tensor -> Matrix.pack(weights.tensor(tensor), store, pool));
            store.logSummary();
            assertEquals(1, log.messages().stream().filter(line -> line.startsWith("Packing ")
                    && line.endsWith("; every other file without one is packed again too")).count(), log.messages().toString());
            assertEquals(2, log.messages().size(), log.messages().toString());
            assertTrue(log.messages().getLast().contains("0 mapped from an earlier start, 3 written (3 of them packed again)"),
                    log.messages().toString());
        }
    }
}
