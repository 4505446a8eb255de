package dev.vela.adapters.gpu.cuda;

import static dev.vela.adapters.gpu.Cuda.REQUIRED_DRIVER;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed kernel artefacts, checked without a GPU: the PTX targets what a CUDA 12.2 driver
 * (535) JIT-compiles (ISA 8.2 at most, sm_80) and what {@code Cuda} requires of the driver, every kernel Java launches is an entry of it with the parameter list Java
 * passes, nothing in it is unused, the fatbin is there, and the artefacts were built from the
 * sources as they are now (a stale build fails here: rerun {@code -Dcuda.kernels generate-resources}).
 */
class KernelArtefactsTest {

    private static final Pattern ENTRY = Pattern.compile("\\.visible\\s+\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+\\.(\\w+)(?:\\s+\\.ptr(?:\\s+\\.\\w+)*)?(?:\\s+\\.align\\s+\\d+)?\\s+(\\w+)");
    private static String ptx;
    private static Map<String, List<String>> entries;

    @BeforeAll
    static void readPtx() {
        ptx = new String(Kernels.resource(Kernels.PTX), StandardCharsets.UTF_8);
        entries = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            List<String> types = new ArrayList<>();
            Matcher p = PARAM.matcher(m.group(2));
            while (p.find()) {
                types.add(p.group(1));
            }
            entries.put(m.group(1), types);
        }
    }

    @Test
    void thePtxIsIsa8Point2OrOlderForSm80() {
        int[] isa = ptxIsa();
        assertTrue(isa[0] < 8 || isa[0] == 8 && isa[1] <= 2, "PTX ISA " + isa[0] + "." + isa[1] + " needs a driver newer than CUDA 12.2's");
        assertTrue(Pattern.compile("(?m)^\\.target\\s+sm_80\\s*$").matcher(ptx).find(), ".target sm_80");
        assertTrue(Pattern.compile("(?m)^\\.address_size\\s+64\\s*$").matcher(ptx).find(), ".address_size 64");
    }

    /** PTX ISA 8.0 to 8.5 came with CUDA 12.0 to 12.5: the driver the probe requires must JIT the committed ISA. */
    @Test
    void theDriverTheProbeRequiresJitCompilesThisPtx() {
        int[] isa = ptxIsa();
        assertEquals(8, isa[0], "an ISA of CUDA 12");
        assertTrue(isa[1] <= 5, "ISA 8." + isa[1] + " maps to a CUDA 12 release only from 8.0 to 8.5");
        int cuda = 12000 + 10 * isa[1];
        assertTrue(cuda <= REQUIRED_DRIVER, "ISA 8." + isa[1] + " needs CUDA " + cuda + ", the probe accepts " + REQUIRED_DRIVER);
    }

    /** ptxas refuses an instruction that the declared ISA lacks, so the lowered .version line is proven by assembling it. */
    @Test
    @EnabledIf("ptxasPresent")
    void thisPtxasAssemblesThePtxForSm80AndSm90(@TempDir Path directory) throws IOException, InterruptedException {
        Path source = Files.writeString(directory.resolve("vela_kernels.ptx"), ptx);
        for (String arch : List.of("sm_80", "sm_90")) {
            Process ptxas = new ProcessBuilder("ptxas", "-arch=" + arch, "-o", directory.resolve(arch + ".cubin").toString(),
                    source.toString()).redirectErrorStream(true).start();
            String output = new String(ptxas.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, ptxas.waitFor(), "ptxas for " + arch + ": " + output);
        }
    }

    static boolean ptxasPresent() {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .anyMatch(directory -> !directory.isEmpty() && Files.isExecutable(Path.of(directory, "ptxas")));
    }

    private static int[] ptxIsa() {
        Matcher version = Pattern.compile("(?m)^\\.version\\s+(\\d+)\\.(\\d+)").matcher(ptx);
        assertTrue(version.find(), "a .version directive");
        return new int[] {Integer.parseInt(version.group(1)), Integer.parseInt(version.group(2))};
    }

    @Test
    void everyKernelJavaLaunchesIsAnEntryOfThePtx() {
        for (Kernels.Spec spec : Kernels.ALL) {
            for (String entry : spec.entryNames()) {
                assertTrue(entries.containsKey(entry), entry + " is a .visible .entry of the PTX");
            }
        }
    }

    @Test
    void everyLaunchPassesTheParametersThePtxDeclares() {
        for (Kernels.Spec spec : Kernels.ALL) {
            List<String> expected = spec.params().stream().map(Kernels.Param::ptxType).toList();
            for (String entry : spec.entryNames()) {
                assertEquals(expected, entries.get(entry), entry + "'s .param list");
            }
        }
    }

    @Test
    void thePtxHoldsNoKernelJavaDoesNotLaunch() {
        List<String> launched = Kernels.ALL.stream().flatMap(s -> s.entryNames().stream()).toList();
        for (String entry : entries.keySet()) {
            assertTrue(launched.contains(entry), entry + " is in the PTX but Kernels does not know it");
        }
        assertEquals(launched.size(), entries.size());
    }

    @Test
    void everySpecConstantIsInTheListOfAll() throws IllegalAccessException {
        for (java.lang.reflect.Field field : Kernels.class.getFields()) {
            if (field.getType() == Kernels.Spec.class) {
                assertTrue(Kernels.ALL.contains((Kernels.Spec) field.get(null)), field.getName() + " is in Kernels.ALL");
            }
        }
    }

    @Test
    void theFatbinHoldsSm80AndSm90CodeAndThePtx() {
        byte[] fatbin = Kernels.resource(Kernels.FATBIN);
        assertArrayEquals(new byte[] {0x50, (byte) 0xED, 0x55, (byte) 0xBA}, java.util.Arrays.copyOf(fatbin, 4), "fatbin magic");
        String text = new String(fatbin, StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("-arch sm_80"), "sm_80 code inside");
        assertTrue(text.contains("-arch sm_90"), "sm_90 code inside");
        assertEquals(List.of(Kernels.FATBIN, Kernels.PTX), Kernels.IMAGES, "the fatbin first, the PTX alone after");
    }

    /** Same recipe as build-kernels.sh: per file of src/main/cuda in name order, the name, NUL, the bytes, NUL. */
    @Test
    void theArtefactsWereBuiltFromTheSourcesAsTheyAreNow() throws IOException, NoSuchAlgorithmException {
        Properties built = new Properties();
        built.load(new StringReader(new String(Kernels.resource(Kernels.RESOURCES + "vela_kernels.properties"),
                StandardCharsets.UTF_8)));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        Path sources = Path.of("src/main/cuda");
        try (Stream<Path> files = Files.list(sources)) {
            for (Path file : files.sorted().toList()) {
                sha.update(file.getFileName().toString().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(Files.readAllBytes(file));
                sha.update((byte) 0);
            }
        }
        assertEquals(built.getProperty("sources.sha256"), HexFormat.of().formatHex(sha.digest()),
                "the kernels changed since the artefacts were built: ./mvnw -pl adapters-gpu -Dcuda.kernels generate-resources");
        assertTrue(built.getProperty("nvcc").startsWith("13.0."), "built by nvcc 13.0");
    }
}
