package dev.vela.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The CPU a figure was measured on: its model and the vector extensions the kernels can use. */
final class Machine {

    private static final Set<String> VECTOR_FLAGS = Set.of("sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw",
            "avx512vl", "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16", "amx_int8", "asimd", "sve");

    private Machine() {
    }

    static String describe() {
        String model = "unknown";
        String flags = "";
        try {
            List<String> cpuinfo = Files.readAllLines(Path.of("/proc/cpuinfo"));
            model = field(cpuinfo, "model name", model);
            String all = field(cpuinfo, "flags", field(cpuinfo, "Features", ""));
            flags = Arrays.stream(all.split("\\s+")).filter(VECTOR_FLAGS::contains).sorted().collect(Collectors.joining(" "));
        } catch (IOException e) {
            // Not Linux: the model stays unknown, the figures still stand.
        }
        return String.format("cpu: %s, %d cores available to this JVM; vector flags: %s; java %s", model,
                Runtime.getRuntime().availableProcessors(), flags.isEmpty() ? "none listed" : flags, Runtime.version());
    }

    private static String field(List<String> cpuinfo, String name, String absent) {
        return cpuinfo.stream().filter(line -> line.startsWith(name) && line.contains(":"))
                .map(line -> line.substring(line.indexOf(':') + 1).strip()).findFirst().orElse(absent);
    }
}
