package dev.vela.adapters.gpu.cuda;

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

/**
 * The committed kernel artefacts, checked without a GPU: the PTX targets what driver 580 JIT-compiles
 * (ISA 9.0 at most, sm_80), every kernel Java launches is an entry of it with the parameter list Java
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
    void thePtxIsIsa9Point0OrOlderForSm80() {
        Matcher version = Pattern.compile("(?m)^\\.version\\s+(\\d+)\\.(\\d+)").matcher(ptx);
        assertTrue(version.find(), "a .version directive");
        int major = Integer.parseInt(version.group(1));
        int minor = Integer.parseInt(version.group(2));
        assertTrue(major < 9 || major == 9 && minor == 0, "PTX ISA " + major + "." + minor + " needs a driver newer than 580");
        assertTrue(Pattern.compile("(?m)^\\.target\\s+sm_80\\s*$").matcher(ptx).find(), ".target sm_80");
        assertTrue(Pattern.compile("(?m)^\\.address_size\\s+64\\s*$").matcher(ptx).find(), ".address_size 64");
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
    void theFatbinIsAFatbinaryWithTheSm90Code() {
        byte[] fatbin = Kernels.resource(Kernels.FATBIN);
        assertArrayEquals(new byte[] {0x50, (byte) 0xED, 0x55, (byte) 0xBA}, java.util.Arrays.copyOf(fatbin, 4), "fatbin magic");
        assertTrue(new String(fatbin, StandardCharsets.ISO_8859_1).contains("-arch sm_90"), "sm_90 code inside");
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
