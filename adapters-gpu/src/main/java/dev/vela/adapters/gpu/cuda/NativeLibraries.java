package dev.vela.adapters.gpu.cuda;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds the CUDA driver, cuBLAS and NCCL at run time. Each library is tried in order: the path a
 * system property names ({@code -Dgpu.libcuda=}, {@code -Dgpu.cublas=}, {@code -Dgpu.nccl=}, a file
 * or a directory), then where Python wheels put them ({@code site-packages/nvidia/cu13/lib},
 * {@code nvidia/nccl/lib}; a virtual environment's or {@code -Dgpu.sitePackages=}), then the
 * dynamic loader by soname (LD_LIBRARY_PATH, the ldconfig cache), then the usual absolute paths
 * (the driver is a read-only mount at {@code /usr/local/nvidia} in some sandboxes). Every attempt is
 * kept, so a failure says what was tried.
 */
@SuppressWarnings("restricted") // binding native libraries is what this type is for
public final class NativeLibraries {

    /** One place a library was looked for, and what happened. */
    public record Attempt(String candidate, String outcome) {
    }

    /** A loaded library: its symbols, where it came from, and what was tried before. */
    public record Found(SymbolLookup symbols, String path, List<Attempt> attempts) {
    }

    /** No candidate could be opened. */
    public static final class NotFound extends Exception {
        private final List<Attempt> attempts;

        NotFound(String library, List<Attempt> attempts) {
            super(library + " could not be opened; tried " + attempts.stream()
                    .map(a -> a.candidate() + " (" + a.outcome() + ")").toList());
            this.attempts = List.copyOf(attempts);
        }

        public List<Attempt> attempts() {
            return attempts;
        }
    }

    static final String CUDA_PROPERTY = "gpu.libcuda";
    static final String CUBLAS_PROPERTY = "gpu.cublas";
    static final String NCCL_PROPERTY = "gpu.nccl";
    static final String SITE_PACKAGES_PROPERTY = "gpu.sitePackages";

    private NativeLibraries() {
    }

    /** The CUDA driver API, {@code libcuda.so.1}. */
    public static Found cuda() throws NotFound {
        List<String> candidates = new ArrayList<>();
        property(CUDA_PROPERTY, "libcuda.so.1").ifPresent(candidates::add);
        candidates.add("libcuda.so.1");
        candidates.add("/usr/local/nvidia/lib64/libcuda.so.1");
        candidates.add("/usr/local/nvidia/lib/libcuda.so.1");
        candidates.add("/usr/lib/x86_64-linux-gnu/libcuda.so.1");
        candidates.add("/usr/lib64/libcuda.so.1");
        candidates.add("/usr/local/cuda/compat/libcuda.so.1");
        return open("libcuda.so.1", candidates, List.of());
    }

    /** cuBLAS 13, with its cuBLASLt loaded first from the same directory. */
    public static Found cublas() throws NotFound {
        List<String> candidates = new ArrayList<>();
        property(CUBLAS_PROPERTY, "libcublas.so.13").ifPresent(candidates::add);
        for (Path site : sitePackages()) {
            candidates.add(site.resolve("nvidia/cu13/lib/libcublas.so.13").toString());
            candidates.add(site.resolve("nvidia/cublas/lib/libcublas.so.13").toString());
        }
        candidates.add("libcublas.so.13");
        candidates.add("/usr/local/cuda/lib64/libcublas.so.13");
        candidates.add("/usr/lib/x86_64-linux-gnu/libcublas.so.13");
        return open("libcublas.so.13", candidates, List.of("libcublasLt.so.13"));
    }

    /** NCCL 2. */
    public static Found nccl() throws NotFound {
        List<String> candidates = new ArrayList<>();
        property(NCCL_PROPERTY, "libnccl.so.2").ifPresent(candidates::add);
        for (Path site : sitePackages()) {
            candidates.add(site.resolve("nvidia/nccl/lib/libnccl.so.2").toString());
        }
        candidates.add("libnccl.so.2");
        candidates.add("/usr/lib/x86_64-linux-gnu/libnccl.so.2");
        candidates.add("/usr/local/cuda/lib64/libnccl.so.2");
        return open("libnccl.so.2", candidates, List.of());
    }

    /** Python package directories that may hold NVIDIA's wheels, most specific first. */
    public static List<Path> sitePackages() {
        Set<Path> found = new LinkedHashSet<>();
        String given = System.getProperty(SITE_PACKAGES_PROPERTY);
        if (given != null && !given.isBlank()) {
            for (String part : given.split(":")) {
                found.add(Path.of(part));
            }
        }
        String venv = System.getenv("VIRTUAL_ENV");
        if (venv != null) {
            found.addAll(pythonDirectories(Path.of(venv, "lib"), "site-packages"));
        }
        found.addAll(pythonDirectories(Path.of("/opt/torch/.venv/lib"), "site-packages"));
        found.addAll(pythonDirectories(Path.of("/usr/local/lib"), "dist-packages"));
        found.addAll(pythonDirectories(Path.of("/usr/local/lib"), "site-packages"));
        found.add(Path.of("/usr/lib/python3/dist-packages"));
        return found.stream().filter(Files::isDirectory).toList();
    }

    private static List<Path> pythonDirectories(Path lib, String leaf) {
        if (!Files.isDirectory(lib)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(lib)) {
            return entries.filter(p -> p.getFileName().toString().startsWith("python3"))
                    .sorted()
                    .map(p -> p.resolve(leaf))
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A system property naming a file, or a directory holding {@code soname}. */
    private static Optional<String> property(String property, String soname) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Path path = Path.of(value);
        return Optional.of(Files.isDirectory(path) ? path.resolve(soname).toString() : value);
    }

    /**
     * Opens the first candidate that loads. An absolute candidate is skipped when the file does not
     * exist; a bare soname goes to the dynamic loader. {@code companions} (e.g. cuBLASLt) are
     * opened first from the candidate's directory, so its dependency resolves to the same build.
     */
    static Found open(String library, List<String> candidates, List<String> companions) throws NotFound {
        List<Attempt> attempts = new ArrayList<>();
        for (String candidate : new LinkedHashSet<>(candidates)) {
            boolean absolute = candidate.contains("/");
            if (absolute && !Files.exists(Path.of(candidate))) {
                attempts.add(new Attempt(candidate, "absent"));
                continue;
            }
            try {
                if (absolute) {
                    Path parent = Path.of(candidate).getParent();
                    for (String companion : companions) {
                        Path beside = parent.resolve(companion);
                        if (Files.exists(beside)) {
                            SymbolLookup.libraryLookup(beside, Arena.global());
                        }
                    }
                }
                SymbolLookup symbols = absolute
                        ? SymbolLookup.libraryLookup(Path.of(candidate), Arena.global())
                        : SymbolLookup.libraryLookup(candidate, Arena.global());
                attempts.add(new Attempt(candidate, "loaded"));
                return new Found(symbols, candidate, List.copyOf(attempts));
            } catch (IllegalArgumentException | IllegalCallerException e) {
                attempts.add(new Attempt(candidate, e.getMessage()));
            }
        }
        throw new NotFound(library, attempts);
    }
}
