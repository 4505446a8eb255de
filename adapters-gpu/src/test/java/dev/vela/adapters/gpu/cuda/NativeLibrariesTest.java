package dev.vela.adapters.gpu.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.gpu.cuda.NativeLibraries.Candidate;
import dev.vela.adapters.gpu.cuda.NativeLibraries.SearchPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where the libraries are looked for, over fake directories holding empty files named as the real
 * ones (nothing is loaded): pip's wheels ({@code nvidia-cublas-cu12}, {@code nvidia-nccl-cu12},
 * CUDA 13's {@code nvidia/cu13}) and the system's toolkit layout.
 */
class NativeLibrariesTest {

    @TempDir
    Path root;

    @Test
    void aLibraryThatCannotBeFoundListsEveryPlaceItWasLookedFor() {
        NativeLibraries.NotFound e = assertThrows(NativeLibraries.NotFound.class, () -> NativeLibraries.open("libnothing.so.1",
                List.of(new Candidate("/no/such/dir/libnothing.so.1", List.of()), new Candidate("libnothing.so.1", List.of()))));
        assertEquals(2, e.attempts().size());
        assertEquals(new NativeLibraries.Attempt("/no/such/dir/libnothing.so.1", "absent"), e.attempts().get(0));
        assertEquals("libnothing.so.1", e.attempts().get(1).candidate());
        assertTrue(e.getMessage().startsWith("libnothing.so.1 could not be opened; tried [/no/such/dir/libnothing.so.1 (absent), "
                + "libnothing.so.1 ("), e.getMessage());
    }

    @Test
    void aLibraryTheLoaderFindsBySonameIsLoaded() throws NativeLibraries.NotFound {
        NativeLibraries.Found found = NativeLibraries.open("libc", List.of(new Candidate("/no/such/libc.so.6", List.of()),
                new Candidate("libc.so.6", List.of())));
        assertEquals("libc.so.6", found.path());
        assertEquals("libc.so.6", found.fileName());
        assertTrue(found.symbols().find("strlen").isPresent());
        assertEquals(2, found.attempts().size());
    }

    @Test
    void cublas12FromPipsWheelIsFoundWithItsOwnCublasLt() throws IOException {
        Path site = root.resolve("venv/lib/python3.12/site-packages");
        Path wheel = touch(site.resolve("nvidia/cublas/lib/libcublas.so.12"));
        touch(site.resolve("nvidia/cublas/lib/libcublasLt.so.12"));
        Candidate found = NativeLibraries.firstPresent(NativeLibraries.cublasCandidates(paths(null, site))).orElseThrow();
        assertEquals(wheel.toString(), found.path());
        assertEquals(List.of("libcublasLt.so.12"), found.companions());
    }

    @Test
    void cublas13FromCuda13sWheelIsFound() throws IOException {
        Path site = root.resolve("site-packages");
        Path wheel = touch(site.resolve("nvidia/cu13/lib/libcublas.so.13"));
        Candidate found = NativeLibraries.firstPresent(NativeLibraries.cublasCandidates(paths(null, site))).orElseThrow();
        assertEquals(wheel.toString(), found.path());
        assertEquals(List.of("libcublasLt.so.13"), found.companions());
    }

    @Test
    void cublas12OfTheSystemToolkitIsFoundWhenNoWheelHoldsOne() throws IOException {
        Path toolkit = touch(root.resolve("usr/local/cuda/lib64/libcublas.so.12"));
        Path site = Files.createDirectories(root.resolve("site-packages"));
        Candidate found = NativeLibraries.firstPresent(NativeLibraries.cublasCandidates(paths(null, site))).orElseThrow();
        assertEquals(toolkit.toString(), found.path());
    }

    @Test
    void whereOneDirectoryHoldsCublas13And12Then13ComesFirst() throws IOException {
        touch(root.resolve("usr/local/cuda/lib64/libcublas.so.12"));
        Path thirteen = touch(root.resolve("usr/local/cuda/lib64/libcublas.so.13"));
        Candidate found = NativeLibraries.firstPresent(NativeLibraries.cublasCandidates(paths(null))).orElseThrow();
        assertEquals(thirteen.toString(), found.path());
    }

    @Test
    void aWheelComesBeforeTheSystemToolkit() throws IOException {
        touch(root.resolve("usr/local/cuda/lib64/libcublas.so.13"));
        Path site = root.resolve("site-packages");
        Path wheel = touch(site.resolve("nvidia/cublas/lib/libcublas.so.12"));
        Candidate found = NativeLibraries.firstPresent(NativeLibraries.cublasCandidates(paths(null, site))).orElseThrow();
        assertEquals(wheel.toString(), found.path());
    }

    @Test
    void aDirectoryNamedByThePropertyIsSearchedForEitherCublas() throws IOException {
        Path given = root.resolve("opt/cublas");
        Path twelve = touch(given.resolve("libcublas.so.12"));
        touch(root.resolve("usr/local/cuda/lib64/libcublas.so.13"));
        List<Candidate> candidates = NativeLibraries.cublasCandidates(paths(given.toString()));
        assertEquals(twelve.toString(), NativeLibraries.firstPresent(candidates).orElseThrow().path());
        assertEquals(given.resolve("libcublas.so.13").toString(), candidates.getFirst().path(), "13 is tried first");
    }

    @Test
    void ncclFromPipsWheelIsFound() throws IOException {
        Path site = root.resolve("site-packages");
        Path wheel = touch(site.resolve("nvidia/nccl/lib/libnccl.so.2"));
        touch(root.resolve("usr/lib/x86_64-linux-gnu/libnccl.so.2"));
        assertEquals(wheel.toString(),
                NativeLibraries.firstPresent(NativeLibraries.ncclCandidates(paths(null, site))).orElseThrow().path());
    }

    @Test
    void ncclOfTheSystemIsFoundWhenNoWheelHoldsIt() throws IOException {
        Path system = touch(root.resolve("usr/lib/x86_64-linux-gnu/libnccl.so.2"));
        assertEquals(system.toString(),
                NativeLibraries.firstPresent(NativeLibraries.ncclCandidates(paths(null))).orElseThrow().path());
    }

    @Test
    void theDriverMountedAtUsrLocalNvidiaIsFound() throws IOException {
        Path mounted = touch(root.resolve("usr/local/nvidia/lib64/libcuda.so.1"));
        assertEquals(mounted.toString(),
                NativeLibraries.firstPresent(NativeLibraries.cudaCandidates(paths(null))).orElseThrow().path());
    }

    @Test
    void theLoaderIsAskedForEverySonameBeforeTheUsualPaths() {
        List<String> bare = NativeLibraries.cublasCandidates(paths(null)).stream().filter(c -> !c.absolute())
                .map(Candidate::path).toList();
        assertEquals(List.of("libcublas.so.13", "libcublas.so.12"), bare);
    }

    private SearchPaths paths(String property, Path... sitePackages) {
        return new SearchPaths(property, List.of(sitePackages), root);
    }

    private static Path touch(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return Files.createFile(file);
    }
}
