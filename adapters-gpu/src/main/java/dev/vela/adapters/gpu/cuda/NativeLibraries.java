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
 * Finds the CUDA driver, cuBLAS (12 or 13, whichever is found first) and NCCL 2 at run time. Each
 * library is tried in order: the path a system property names ({@code -Dgpu.libcuda=},
 * {@code -Dgpu.cublas=}, {@code -Dgpu.nccl=}, a file or a directory), then where Python wheels put
 * them ({@code site-packages/nvidia/cu13/lib} for CUDA 13's, {@code nvidia/cublas/lib} and
 * {@code nvidia/nccl/lib} for {@code nvidia-cublas-cu12} and {@code nvidia-nccl-cu12}; a virtual
 * environment's or {@code -Dgpu.sitePackages=}), then the dynamic loader by soname
 * (LD_LIBRARY_PATH, the ldconfig cache), then the usual absolute paths (the driver is a read-only
 * mount at {@code /usr/local/nvidia} in some sandboxes). Where one place holds both cuBLAS 13 and
 * 12, 13 comes first. Every attempt is kept, so a failure says what was tried.
 */
@SuppressWarnings("restricted") // binding native libraries is what this type is for
public final class NativeLibraries {

    /** One place a library was looked for, and what happened. */
    public record Attempt(String candidate, String outcome) {
    }

    /** A loaded library: its symbols, where it came from, and what was tried before. */
    public record Found(SymbolLookup symbols, String path, List<Attempt> attempts) {

        /** The file name of what was loaded, e.g. {@code libcublas.so.12}. */
        public String fileName() {
            return Path.of(path).getFileName().toString();
        }
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

    /**
     * One place to open a library: an absolute path or a bare soname for the dynamic loader, and the
     * libraries to open first from the same directory (cuBLASLt for cuBLAS, of the same major version).
     */
    record Candidate(String path, List<String> companions) {

        Candidate {
            companions = List.copyOf(companions);
        }

        boolean absolute() {
            return path.contains("/");
        }
    }

    /**
     * Where to look: the value of the library's system property (null when unset), the Python
     * package directories, and the root the usual absolute paths hang from ({@code /} but in tests).
     */
    record SearchPaths(String property, List<Path> sitePackages, Path root) {

        SearchPaths {
            sitePackages = List.copyOf(sitePackages);
        }

        static SearchPaths of(String property) {
            String value = System.getProperty(property);
            return new SearchPaths(value == null || value.isBlank() ? null : value, NativeLibraries.sitePackages(), Path.of("/"));
        }

        Path system(String absolute) {
            return root.resolve(absolute.substring(1));
        }
    }

    static final String CUDA_PROPERTY = "gpu.libcuda";
    static final String CUBLAS_PROPERTY = "gpu.cublas";
    static final String NCCL_PROPERTY = "gpu.nccl";
    static final String SITE_PACKAGES_PROPERTY = "gpu.sitePackages";
    /** cuBLAS majors Vela binds, preferred first: their {@code cublasGemmEx} and enums are the same. */
    static final List<Integer> CUBLAS_MAJORS = List.of(13, 12);
    private static final List<String> DRIVER_DIRECTORIES = List.of("/usr/local/nvidia/lib64", "/usr/local/nvidia/lib",
            "/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/local/cuda/compat");
    private static final List<String> TOOLKIT_DIRECTORIES = List.of("/usr/local/cuda/lib64", "/usr/lib/x86_64-linux-gnu");

    private NativeLibraries() {
    }

    /** The CUDA driver API, {@code libcuda.so.1}. */
    public static Found cuda() throws NotFound {
        return open("libcuda.so.1", cudaCandidates(SearchPaths.of(CUDA_PROPERTY)));
    }

    /** cuBLAS 13 or 12, with its cuBLASLt of the same version loaded first from the same directory. */
    public static Found cublas() throws NotFound {
        return open("libcublas.so.13 or libcublas.so.12", cublasCandidates(SearchPaths.of(CUBLAS_PROPERTY)));
    }

    /** NCCL 2. */
    public static Found nccl() throws NotFound {
        return open("libnccl.so.2", ncclCandidates(SearchPaths.of(NCCL_PROPERTY)));
    }

    static List<Candidate> cudaCandidates(SearchPaths paths) {
        String soname = "libcuda.so.1";
        List<Candidate> candidates = new ArrayList<>(property(paths, List.of(soname), List.of()));
        candidates.add(new Candidate(soname, List.of()));
        for (String directory : DRIVER_DIRECTORIES) {
            candidates.add(new Candidate(paths.system(directory).resolve(soname).toString(), List.of()));
        }
        return candidates;
    }

    static List<Candidate> cublasCandidates(SearchPaths paths) {
        List<String> sonames = CUBLAS_MAJORS.stream().map(major -> "libcublas.so." + major).toList();
        List<Candidate> candidates = new ArrayList<>(property(paths, sonames, List.of("libcublasLt")));
        for (Path site : paths.sitePackages()) {
            candidates.add(cublas(site.resolve("nvidia/cu13/lib/libcublas.so.13")));
            for (String soname : sonames) {
                candidates.add(cublas(site.resolve("nvidia/cublas/lib").resolve(soname)));
            }
        }
        sonames.forEach(soname -> candidates.add(new Candidate(soname, List.of())));
        for (String directory : TOOLKIT_DIRECTORIES) {
            for (String soname : sonames) {
                candidates.add(cublas(paths.system(directory).resolve(soname)));
            }
        }
        return candidates;
    }

    private static Candidate cublas(Path file) {
        return new Candidate(file.toString(), companions(file.getFileName().toString(), List.of("libcublasLt")));
    }

    static List<Candidate> ncclCandidates(SearchPaths paths) {
        String soname = "libnccl.so.2";
        List<Candidate> candidates = new ArrayList<>(property(paths, List.of(soname), List.of()));
        for (Path site : paths.sitePackages()) {
            candidates.add(new Candidate(site.resolve("nvidia/nccl/lib").resolve(soname).toString(), List.of()));
            candidates.add(new Candidate(site.resolve("nvidia/cu13/lib").resolve(soname).toString(), List.of()));
        }
        candidates.add(new Candidate(soname, List.of()));
        for (String directory : TOOLKIT_DIRECTORIES.reversed()) {
            candidates.add(new Candidate(paths.system(directory).resolve(soname).toString(), List.of()));
        }
        return candidates;
    }

    /** The candidate the search opens first when the dynamic loader knows none of the sonames: the first file that exists. */
    static Optional<Candidate> firstPresent(List<Candidate> candidates) {
        return candidates.stream().filter(c -> c.absolute() && Files.isRegularFile(Path.of(c.path()))).findFirst();
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

    /** The property's file, or each soname in the directory it names; companions of the same version suffix. */
    private static List<Candidate> property(SearchPaths paths, List<String> sonames, List<String> companionStems) {
        if (paths.property() == null) {
            return List.of();
        }
        Path given = Path.of(paths.property());
        List<Path> files = Files.isDirectory(given) ? sonames.stream().map(given::resolve).toList() : List.of(given);
        return files.stream().map(file -> new Candidate(file.toString(),
                companions(file.getFileName().toString(), companionStems))).toList();
    }

    /** {@code libcublasLt.so.12} beside {@code libcublas.so.12}: the companion with the library's version suffix. */
    private static List<String> companions(String fileName, List<String> stems) {
        int so = fileName.indexOf(".so");
        String suffix = so < 0 ? ".so" : fileName.substring(so);
        return stems.stream().map(stem -> stem + suffix).toList();
    }

    /**
     * Opens the first candidate that loads. An absolute candidate is skipped when the file does not
     * exist; a bare soname goes to the dynamic loader. A candidate's companions (cuBLASLt) are
     * opened first from its directory, so its dependency resolves to the same build.
     */
    static Found open(String library, List<Candidate> candidates) throws NotFound {
        List<Attempt> attempts = new ArrayList<>();
        for (Candidate candidate : new LinkedHashSet<>(candidates)) {
            String path = candidate.path();
            if (candidate.absolute() && !Files.exists(Path.of(path))) {
                attempts.add(new Attempt(path, "absent"));
                continue;
            }
            try {
                if (candidate.absolute()) {
                    Path parent = Path.of(path).getParent();
                    for (String companion : candidate.companions()) {
                        Path beside = parent.resolve(companion);
                        if (Files.exists(beside)) {
                            SymbolLookup.libraryLookup(beside, Arena.global());
                        }
                    }
                }
                SymbolLookup symbols = candidate.absolute()
                        ? SymbolLookup.libraryLookup(Path.of(path), Arena.global())
                        : SymbolLookup.libraryLookup(path, Arena.global());
                attempts.add(new Attempt(path, "loaded"));
                return new Found(symbols, path, List.copyOf(attempts));
            } catch (IllegalArgumentException | IllegalCallerException e) {
                attempts.add(new Attempt(path, e.getMessage()));
            }
        }
        throw new NotFound(library, attempts);
    }
}
