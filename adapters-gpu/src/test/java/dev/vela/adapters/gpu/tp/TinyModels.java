package dev.vela.adapters.gpu.tp;

import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.application.port.out.LogitsSink;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.SequenceSlice;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Random Qwen2 models on disk, written once per test JVM, and helpers to drive a runner over them. */
final class TinyModels {

    /** TINY: hidden 64, 2 layers, 4 query and 2 KV heads of 16, intermediate 128, vocabulary 512. */
    enum Model {
        TINY_F32(ModelPreset.TINY, WeightType.FLOAT32),
        TINY_TIED_F32(ModelPreset.TINY_TIED, WeightType.FLOAT32),
        TINY_BF16(ModelPreset.TINY, WeightType.BFLOAT16);

        final ModelPreset preset;
        final WeightType weights;

        Model(ModelPreset preset, WeightType weights) {
            this.preset = preset;
            this.weights = weights;
        }
    }

    private static final Map<Model, HfModelDirectory> WRITTEN = new EnumMap<>(Model.class);
    private static Path root;

    private TinyModels() {
    }

    static synchronized HfModelDirectory directory(Model model) {
        return WRITTEN.computeIfAbsent(model, m -> {
            try {
                if (root == null) {
                    root = Files.createTempDirectory("vela-gpu-tests-");
                    Path written = root;
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> RandomModelWriter.delete(written)));
                }
                return HfModelDirectory.open(RandomModelWriter.write(m.preset, m.weights, 42, root.resolve(m.name())));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static SafetensorsModelWeights weights(Model model) {
        return SafetensorsModelWeights.open(directory(model).modelFiles());
    }

    static int[] prompt(long seed, int length, int vocabulary) {
        SplittableRandom random = new SplittableRandom(seed);
        int[] prompt = new int[length];
        for (int i = 0; i < length; i++) {
            prompt[i] = random.nextInt(vocabulary);
        }
        return prompt;
    }

    /** The logits rows one step hands over, copied. */
    static List<float[]> step(ModelRunner runner, List<SequenceSlice> batch) {
        List<float[]> rows = new ArrayList<>();
        LogitsSink sink = (slice, position, logits) -> rows.add(logits.clone());
        runner.execute(batch, sink);
        return rows;
    }

    /**
     * Feeds {@code prompt} in one slice, then {@code steps} decode steps of the given tokens (or,
     * when {@code forced} is null, of the argmax); returns the logits after the prompt and after each step.
     */
    static List<float[]> decode(ModelRunner runner, long sequence, int[] prompt, int steps, int[] forced,
                                int[] blockTable) {
        List<float[]> rows = new ArrayList<>();
        rows.add(step(runner, List.of(SequenceSlice.of(sequence, prompt, 0, blockTable, true))).getFirst());
        for (int s = 0; s < steps; s++) {
            int next = forced != null ? forced[s] : argmax(rows.getLast());
            rows.add(step(runner, List.of(SequenceSlice.of(sequence, new int[] {next}, prompt.length + s, blockTable, true)))
                    .getFirst());
        }
        return rows;
    }

    static int[] greedyTokens(List<float[]> rows) {
        return rows.stream().limit(rows.size() - 1).mapToInt(TinyModels::argmax).toArray();
    }

    /** The index of the largest value, the lowest on ties. */
    static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    static int[] identityTable(int blocks) {
        int[] table = new int[blocks];
        for (int i = 0; i < blocks; i++) {
            table[i] = i;
        }
        return table;
    }
}
