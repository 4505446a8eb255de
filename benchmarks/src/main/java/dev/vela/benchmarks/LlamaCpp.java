package dev.vela.benchmarks;

import dev.vela.adapters.hf.GgmlType;
import dev.vela.adapters.hf.random.Qwen2GgufWriter;
import dev.vela.benchmarks.gguf.CachedGguf;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * llama.cpp on the same weights, when a build of it is on the machine: the Hugging Face directory
 * is written as a bf16 GGUF by {@link Qwen2GgufWriter} (once, and again when the model changes:
 * {@link CachedGguf}), then {@code llama-bench} times single-stream decode and
 * {@code llama-batched-bench} decode with parallel sequences. Nothing of llama.cpp is part of Vela;
 * this only runs a build found on the machine ({@code docs/llama-cpp.md} says how to get one).
 *
 * <p>Where to look: {@code -Dvela.bench.llamacpp=DIR} (a llama.cpp checkout with a {@code build}
 * folder, a build folder, or the folder holding the programs), else {@code ../llamacpp/build/bin}
 * beside the checkout, else the {@code PATH}.
 */
final class LlamaCpp {

    private static final Pattern AVG_TS = Pattern.compile("\"avg_ts\"\\s*:\\s*([0-9.eE+-]+)");
    private static final Pattern BATCH_ROW = Pattern.compile("\"pl\"\\s*:\\s*(\\d+).*\"speed_tg\"\\s*:\\s*([0-9.eE+-]+)");
    private static final String WEIGHTS = " GGUF written by Qwen2GgufWriter";
    private static final Pattern PREFILL = Pattern.compile("\"speed_pp\"\\s*:\\s*([0-9.eE+-]+)");

    /** What was found, or why nothing was. */
    record Result(Optional<Double> tokensPerSecond, String note) {
    }

    /** Decode tokens per second by number of parallel sequences, or why there are none. */
    record BatchResult(Map<Integer, Double> tokensPerSecond, Map<Integer, Double> prefillPerSecond, String note) {
    }

    private LlamaCpp() {
    }

    /** {@code llama-bench}: single-stream decode of {@code tokens} tokens, mean of {@code rounds}. */
    static Result decode(Path modelDir, int threads, int tokens, int rounds) {
        return decode(modelDir, GgmlType.BF16, threads, tokens, rounds);
    }

    /** {@link #decode(Path, int, int, int)} on the model's matrices as {@code type}. */
    static Result decode(Path modelDir, GgmlType type, int threads, int tokens, int rounds) {
        try {
            Tool tool = tool("llama-bench", modelDir, type);
            String out = run(List.of(tool.binary().toString(), "-m", tool.gguf().toString(), "-t", Integer.toString(threads),
                    "-p", "0", "-n", Integer.toString(tokens), "-r", Integer.toString(rounds), "-o", "jsonl"));
            Matcher m = AVG_TS.matcher(out);
            if (!m.find()) {
                return new Result(Optional.empty(), "llama-bench printed no avg_ts: " + out.strip());
            }
            return new Result(Optional.of(Double.parseDouble(m.group(1))), "llama.cpp " + tool.binary() + ", " + tool.describe());
        } catch (IOException e) {
            return new Result(Optional.empty(), e.getMessage());
        }
    }

    /**
     * {@code llama-batched-bench}: {@code prompt}-token prompts, then {@code tokens} decoded tokens for
     * each of B parallel sequences; the decode rate (its {@code S_TG}) for each B of {@code batches}.
     */
    static BatchResult batchedDecode(Path modelDir, int threads, int prompt, int tokens, int[] batches) {
        return batchedDecode(modelDir, GgmlType.BF16, threads, prompt, tokens, batches);
    }

    /** {@link #batchedDecode(Path, int, int, int, int[])} on the model's matrices as {@code type}. */
    static BatchResult batchedDecode(Path modelDir, GgmlType type, int threads, int prompt, int tokens, int[] batches) {
        try {
            Tool tool = tool("llama-batched-bench", modelDir, type);
            StringBuilder list = new StringBuilder();
            int context = 4096;
            for (int b : batches) {
                list.append(list.isEmpty() ? "" : ",").append(b);
                context = Math.max(context, b * (prompt + tokens));
            }
            List<String> command = List.of(tool.binary().toString(), "-m", tool.gguf().toString(), "-t", Integer.toString(threads),
                    "-npp", Integer.toString(prompt), "-ntg", Integer.toString(tokens), "-npl", list.toString(),
                    "-c", Integer.toString(context), "--output-format", "jsonl");
            String out;
            String repacking = "";
            try {
                out = run(command);
            } catch (IOException failed) {
                // repacked blocks go to its AMX kernels where the CPU has AMX, and those crash under some hypervisors
                List<String> withoutRepacking = new ArrayList<>(command);
                withoutRepacking.add("--no-repack");
                out = run(withoutRepacking);
                repacking = ", without repacking (it failed with repacking)";
            }
            Map<Integer, Double> rates = new TreeMap<>();
            Map<Integer, Double> prefill = new TreeMap<>();
            for (String line : out.split("\n")) {
                Matcher m = BATCH_ROW.matcher(line);
                if (m.find()) {
                    rates.put(Integer.parseInt(m.group(1)), Double.parseDouble(m.group(2)));
                    Matcher pp = PREFILL.matcher(line);
                    if (pp.find()) {
                        prefill.put(Integer.parseInt(m.group(1)), Double.parseDouble(pp.group(1)));
                    }
                }
            }
            return new BatchResult(rates, prefill, rates.isEmpty() ? "llama-batched-bench printed no results: " + out.strip()
                    : "llama.cpp " + tool.binary() + ", " + tool.describe() + repacking);
        } catch (IOException e) {
            return new BatchResult(Map.of(), Map.of(), e.getMessage());
        }
    }

    /** A llama.cpp program and the model as a GGUF beside the Hugging Face files. */
    private record Tool(Path binary, Path gguf, GgmlType type) {

        String describe() {
            return type.name().toLowerCase(java.util.Locale.ROOT) + WEIGHTS;
        }
    }

    /** Where llama.cpp's {@code program} is, or why there is none. */
    static Path program(String program) throws IOException {
        Path home = Path.of(System.getProperty("vela.home", ".")).toAbsolutePath().normalize();
        return find(home, program).orElseThrow(() -> new IOException("no llama.cpp build found (looked for " + program
                + " in -Dvela.bench.llamacpp, " + home.resolveSibling("llamacpp").resolve("build/bin")
                + " and the PATH; docs/llama-cpp.md says how to get one)"));
    }

    private static Tool tool(String program, Path modelDir, GgmlType type) throws IOException {
        Path binary = program(program);
        try {
            return new Tool(binary, CachedGguf.of(modelDir, type), type);
        } catch (RuntimeException e) {
            throw new IOException("llama.cpp found at " + binary + " but the model could not be written as GGUF: "
                    + e.getMessage(), e);
        }
    }

    private static Optional<Path> find(Path home, String program) {
        List<Path> candidates = new ArrayList<>();
        String configured = System.getProperty("vela.bench.llamacpp");
        if (configured != null) {
            candidates.add(Path.of(configured).resolve("build/bin/" + program));
            candidates.add(Path.of(configured).resolve("bin/" + program));
            candidates.add(Path.of(configured).resolve(program));
        }
        candidates.add(home.resolveSibling("llamacpp").resolve("build/bin/" + program));
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, program));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    /** Runs a llama.cpp program; its standard output (it logs on standard error). */
    private static String run(List<String> command) throws IOException {
        return run(command, false);
    }

    /** Runs a llama.cpp program that prints its results in its log; standard output and error together. */
    static String runWithLog(List<String> command) throws IOException {
        return run(command, true);
    }

    private static String run(List<String> command, boolean withLog) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (withLog) {
            builder.redirectErrorStream(true);
        } else {
            builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        try {
            if (!process.waitFor(30, TimeUnit.MINUTES) || process.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: "
                        + new String(output, StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return new String(output, StandardCharsets.UTF_8);
    }
}
