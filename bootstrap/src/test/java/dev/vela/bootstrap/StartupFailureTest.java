package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vela} as operators run it, in a process of its own: what stops start-up is one line on
 * stderr naming the flag or the file and the problem, with exit status 2 for a bad setting and 1
 * for a model that cannot be served, and no stack trace unless {@code -Dvela.debug=true}. The
 * processes run side by side, before the tests read their results; the messages themselves are
 * checked in-process by {@link VelaSettingsTest}, {@link ModelSourceTest} and {@link RunnerChoiceTest}.
 */
class StartupFailureTest {

    /** What a finished {@code vela} process left behind. */
    record Exit(int status, List<String> stderr) {
    }

    private static final Map<String, CompletableFuture<Exit>> RUNS = new java.util.HashMap<>();

    @BeforeAll
    static void runVela(@TempDir Path temp) throws IOException {
        Path truncated = RandomModelWriter.write(ModelPreset.TINY, WeightType.FLOAT32, 1, temp.resolve("truncated"));
        try (FileChannel weights = FileChannel.open(truncated.resolve("model.safetensors"), StandardOpenOption.WRITE)) {
            weights.truncate(weights.size() - 100);
        }
        RUNS.put("unknown flag", run(List.of(), "--model", "/nowhere", "--enforce-eagerly"));
        RUNS.put("gpu", run(List.of(), "--device", "gpu"));
        RUNS.put("truncated", run(List.of(), "--model", truncated.toString()));
        RUNS.put("truncated, debug", run(List.of("-Dvela.debug=true"), "--model", truncated.toString()));
        Path tiny = RandomModelWriter.write(ModelPreset.TINY, WeightType.FLOAT32, 1, temp.resolve("tiny"));
        RUNS.put("too long", run(List.of(), "--model", tiny.toString(), "--max-model-len", "4096", "--port", "0"));
    }

    private static CompletableFuture<Exit> run(List<String> jvmOptions, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow", "-Xshare:auto",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmOptions);
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        return CompletableFuture.supplyAsync(() -> {
            try {
                Process process = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(60, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("vela did not stop: " + command);
                }
                return new Exit(process.exitValue(), stderr.lines().toList());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    private static Exit exit(String run) {
        return RUNS.get(run).join();
    }

    @Test
    void anUnknownFlagIsOneLineAndStatus2() {
        assertEquals(new Exit(2, List.of("vela: Unknown option: '--enforce-eagerly' (see vela --help)")), exit("unknown flag"));
    }

    @Test
    void askingForAGpuOnAMachineWithoutOneIsOneLineAndStatus2() {
        Exit exit = exit("gpu");
        assertEquals(2, exit.status());
        assertEquals(1, exit.stderr().size(), exit.stderr().toString());
        assertTrue(exit.stderr().getFirst().startsWith("vela: --device gpu (vela.device): no usable GPU: "), exit.stderr().getFirst());
        assertTrue(exit.stderr().getFirst().endsWith("; use --device cpu or auto"), exit.stderr().getFirst());
    }

    @Test
    void aTruncatedSafetensorsFileIsNamedInOneLineAndStatus1() {
        Exit exit = exit("truncated");
        assertEquals(1, exit.status());
        assertEquals(1, exit.stderr().size(), exit.stderr().toString());
        assertTrue(exit.stderr().getFirst().matches("vela: the model in .*truncated cannot be served: "
                + "model\\.safetensors: truncated; tensor .* ends at byte \\d+ of a data section of \\d+ bytes"),
                exit.stderr().getFirst());
    }

    @Test
    void aMaxModelLenAboveTheModelsPositionsIsOneLineAndStatus2() {
        assertEquals(new Exit(2, List.of("vela: --max-model-len (vela.max-model-len) must be at most the model's "
                + "max_position_embeddings (2048), got '4096'")), exit("too long"));
    }

    @Test
    void debugAddsTheStackTrace() {
        Exit exit = exit("truncated, debug");
        assertEquals(1, exit.status());
        assertEquals(exit("truncated").stderr().getFirst(), exit.stderr().getFirst());
        assertTrue(exit.stderr().stream().anyMatch(line -> line.contains("\tat dev.vela.")), exit.stderr().toString());
    }
}
