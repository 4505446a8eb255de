package dev.vela.benchmarks.gguf;

import dev.vela.adapters.hf.GgmlType;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes a random-weight model preset straight into a GGUF file with its tokenizer beside it, for
 * serving by hand ({@code bin/bench gguf}): {@code -Dvela.bench.preset} (default
 * R1_DISTILL_QWEN_32B), {@code -Dvela.bench.gguf-type} (default q4_0), {@code -Dvela.bench.out} (the
 * directory, which must not exist). Prints the serving command.
 */
public final class RandomGguf {

    private RandomGguf() {
    }

    public static void main(String[] args) {
        ModelPreset preset = ModelPreset.valueOf(System.getProperty("vela.bench.preset", "R1_DISTILL_QWEN_32B"));
        GgmlType type = GgmlType.valueOf(System.getProperty("vela.bench.gguf-type", "q4_0").toUpperCase(Locale.ROOT));
        Path out = Path.of(System.getProperty("vela.bench.out", preset.modelName() + "-" + type.name().toLowerCase(Locale.ROOT)));
        long start = System.nanoTime();
        Path file = RandomModelWriter.writeGguf(preset.config(WeightType.BFLOAT16), preset.tokenizer(), 1, out, type);
        System.out.printf(Locale.ROOT, "Wrote %s (%.1f GB) in %.0f s%nServe it with: bin/vela --model %s --tokenizer %s%n",
                file, file.toFile().length() / 1e9, (System.nanoTime() - start) / 1e9, file, out);
    }
}
