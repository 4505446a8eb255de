package dev.vela.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * bf16 single-stream decode with the kernels at 256-bit vectors, at 512-bit vectors and at the
 * width the start-up measurement picks ({@code auto}): the width is fixed per process, so each
 * round starts one JVM per width ({@link QuantizationBenchmark}, decode only), the widths
 * alternating round by round. Run: {@code bin/bench width}.
 */
public final class VectorWidthBenchmark {

    private static final int ROUNDS = Integer.getInteger("vela.bench.rounds", 2);
    private static final Pattern DECODE = Pattern.compile("(?m)^none\\s+\\|\\s+\\d+\\s+\\|\\s+([0-9.]+)");
    private static final Pattern CHOICE = Pattern.compile("CPU kernels use [^\\n]*");

    private VectorWidthBenchmark() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        System.out.println(Machine.describe());
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, String> choices = new LinkedHashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (String width : List.of("256", "512", "auto")) {
                String out = child(width);
                Matcher decode = DECODE.matcher(out);
                if (!decode.find()) {
                    throw new IllegalStateException("no decode figure from the " + width + "-bit run:\n" + out);
                }
                rates.computeIfAbsent(width, w -> new ArrayList<>()).add(Double.parseDouble(decode.group(1)));
                Matcher choice = CHOICE.matcher(out);
                choices.put(width, choice.find() ? choice.group() : "");
            }
        }
        System.out.println();
        for (Map.Entry<String, List<Double>> width : rates.entrySet()) {
            System.out.printf("vela.cpu.vector-bits=%-4s bf16 decode tok/s per round %s (%s)%n", width.getKey(), width.getValue(),
                    choices.get(width.getKey()));
        }
        double narrow = rates.get("256").stream().mapToDouble(Double::doubleValue).max().orElse(0);
        System.out.printf("best 512 / best 256: %.2fx; best auto / best 256: %.2fx%n",
                rates.get("512").stream().mapToDouble(Double::doubleValue).max().orElse(0) / narrow,
                rates.get("auto").stream().mapToDouble(Double::doubleValue).max().orElse(0) / narrow);
        System.out.println("reproduce: bin/bench width   (-Dvela.bench.rounds=" + ROUNDS + ")");
    }

    /** A JVM like this one running {@link QuantizationBenchmark}'s bf16 decode at {@code width}; its output. */
    private static String child(String width) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "--add-modules=jdk.incubator.vector",
                "--enable-native-access=ALL-UNNAMED", "-Xmx8g", "-Dvela.cpu.vector-bits=" + width,
                "-Dvela.bench.formats=none", "-Dvela.bench.only=decode", "-Dvela.bench.rounds=3",
                "-Dvela.bench.llamacpp=" + Path.of("/nonexistent"), "-cp", System.getProperty("java.class.path"),
                QuantizationBenchmark.class.getName()));
        for (String key : List.of("vela.bench.model", "vela.bench.threads", "vela.bench.cache")) {
            if (System.getProperty(key) != null) {
                command.add(1, "-D" + key + "=" + System.getProperty(key));
            }
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }
}
