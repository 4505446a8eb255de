package dev.vela.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama.cpp's single-stream decode on the same weights, when a build of it is on the machine: the
 * Hugging Face directory is converted to a bf16 GGUF by the shared {@code hf2gguf.py}, then
 * {@code llama-bench} times 64 generated tokens. Nothing of llama.cpp is part of Vela; this only
 * uses a build that someone made by hand (see {@code ../shared/tools/README.md}).
 *
 * <p>Where to look: {@code -Dvela.bench.llamacpp=DIR} (a llama.cpp build folder, or the folder
 * holding {@code llama-bench}), else {@code ../llamacpp/build/bin} beside the checkout, else the
 * {@code PATH}. The converter: {@code -Dvela.bench.hf2gguf=FILE}, else
 * {@code ../shared/tools/hf2gguf.py}.
 */
final class LlamaCpp {

    private static final Pattern AVG_TS = Pattern.compile("\"avg_ts\"\\s*:\\s*([0-9.eE+-]+)");

    /** What was found, or why nothing was. */
    record Result(Optional<Double> tokensPerSecond, String note) {
    }

    private LlamaCpp() {
    }

    static Result decode(Path modelDir, int threads, int tokens, int rounds) {
        Path home = Path.of(System.getProperty("vela.home", ".")).toAbsolutePath().normalize();
        Optional<Path> bench = findBench(home);
        if (bench.isEmpty()) {
            return new Result(Optional.empty(), "no llama.cpp build found (looked for llama-bench in -Dvela.bench.llamacpp, "
                    + home.resolveSibling("llamacpp").resolve("build/bin") + " and the PATH)");
        }
        Path converter = Path.of(System.getProperty("vela.bench.hf2gguf",
                home.resolveSibling("shared").resolve("tools/hf2gguf.py").toString()));
        if (!Files.isRegularFile(converter)) {
            return new Result(Optional.empty(), "llama.cpp found at " + bench.get() + " but no hf2gguf.py at " + converter);
        }
        try {
            Path gguf = modelDir.resolve("model-bf16.gguf");
            if (!Files.isRegularFile(gguf)) {
                run(List.of("python3", converter.toString(), modelDir.toString(), gguf.toString(), "--type", "bf16"));
            }
            String out = run(List.of(bench.get().toString(), "-m", gguf.toString(), "-t", Integer.toString(threads),
                    "-p", "0", "-n", Integer.toString(tokens), "-r", Integer.toString(rounds), "-o", "jsonl"));
            Matcher m = AVG_TS.matcher(out);
            if (!m.find()) {
                return new Result(Optional.empty(), "llama-bench printed no avg_ts: " + out.strip());
            }
            return new Result(Optional.of(Double.parseDouble(m.group(1))), "llama.cpp " + bench.get() + ", bf16 GGUF");
        } catch (IOException e) {
            return new Result(Optional.empty(), "llama.cpp run failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(Optional.empty(), "interrupted");
        }
    }

    private static Optional<Path> findBench(Path home) {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty("vela.bench.llamacpp");
        if (configured != null) {
            candidates.add(Path.of(configured).resolve("build/bin/llama-bench"));
            candidates.add(Path.of(configured).resolve("bin/llama-bench"));
            candidates.add(Path.of(configured).resolve("llama-bench"));
        }
        candidates.add(home.resolveSibling("llamacpp").resolve("build/bin/llama-bench"));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "llama-bench"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    private static String run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + new String(output, StandardCharsets.UTF_8).strip());
        }
        return new String(output, StandardCharsets.UTF_8);
    }
}
