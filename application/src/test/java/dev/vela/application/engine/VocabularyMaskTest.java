package dev.vela.application.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.Generation.PromptTokens;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.application.port.out.LogitsSink;
import dev.vela.application.port.out.ModelRunner;
import dev.vela.application.port.out.RunnerInfo;
import dev.vela.application.port.out.SequenceSlice;
import dev.vela.domain.sampling.SamplingDefaults;
import dev.vela.domain.sampling.SamplingParams;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A model's embedding is padded past its tokenizer (R1-Distill-Qwen-32B: 152,064 rows for 151,665
 * tokens); the padding stands for no text, so it is never sampled, however large its logits.
 */
class VocabularyMaskTest {

    private static final int TOKENIZER = 6;
    private static final int PADDED = 8;

    @Test
    void greedyNeverPicksAnIdPastTheTokenizer() {
        Sampler sampler = new Sampler(PADDED, TOKENIZER);
        float[] logits = {0f, 1f, 2f, 0f, 0f, 0f, 50f, 40f};
        assertEquals(2, sampler.sample(logits, sampling(SamplingParams.builder().temperature(0.0).build()), 0, 0).token());
    }

    @Test
    void randomSamplingNeverDrawsAnIdPastTheTokenizer() {
        Sampler sampler = new Sampler(PADDED, TOKENIZER);
        SequenceSampling seq = sampling(SamplingParams.builder().temperature(1.0).seed(7L).build());
        for (int draw = 0; draw < 200; draw++) {
            float[] logits = {1f, 1f, 1f, 1f, 1f, 1f, 30f, 30f};
            int token = sampler.sample(logits, seq, 0, 0).token();
            assertTrue(token < TOKENIZER, "draw " + draw + " picked padding id " + token);
        }
    }

    @Test
    void aTokenizerAsLargeAsTheModelMasksNothing() {
        Sampler sampler = new Sampler(PADDED, PADDED);
        float[] logits = {0f, 1f, 2f, 0f, 0f, 0f, 50f, 40f};
        assertEquals(6, sampler.sample(logits, sampling(SamplingParams.builder().temperature(0.0).build()), 0, 0).token());
    }

    /** The engine sizes the mask from its tokenizer: the runner's favourite, a padding id, is passed over. */
    @Test
    void theEngineSamplesOnlyIdsTheTokenizerKnows() throws InterruptedException {
        int padding = ByteTokenizer.SIZE + 3;
        ModelRunner runner = new PaddedRunner(ByteTokenizer.SIZE + 16, padding, 'b');
        try (Engine engine = new Engine(runner, new ByteTokenizer(), EngineConfig.of(4096, 4, 64), List.of())) {
            SamplingParams params = SamplingParams.builder().temperature(0.0).maxTokens(3).build();
            Generation generation = engine.submit(List.of(new Engine.PromptRequest(
                    new PromptTokens("a", ByteTokenizer.ids("a")), params)), 1, new int[] {ByteTokenizer.EOS}, false);
            StringBuilder text = new StringBuilder();
            GenerationEvent event;
            while ((event = generation.poll(10, TimeUnit.SECONDS)) != null) {
                if (event instanceof GenerationEvent.Delta delta) {
                    text.append(delta.text());
                }
            }
            assertEquals("bbb", text.toString());
        }
    }

    private static SequenceSampling sampling(SamplingParams params) {
        return new SequenceSampling(params.withDefaults(SamplingDefaults.none()).withMaxTokens(100), 0, new int[] {1},
                new int[] {0}, false);
    }

    /** Rows as wide as a padded embedding, whose largest logit is a padding id and next largest {@code runnerUp}. */
    private record PaddedRunner(int width, int padding, int runnerUp) implements ModelRunner {

        @Override
        public RunnerInfo info() {
            return new RunnerInfo("test/padded", "float32", width, 4096, true);
        }

        @Override
        public int allocateKvCache(int blockSize, long memoryBytes) {
            return 1024;
        }

        @Override
        public void execute(List<SequenceSlice> batch, LogitsSink logits) {
            for (int s = 0; s < batch.size(); s++) {
                SequenceSlice slice = batch.get(s);
                for (int position = slice.logitsFrom(); position < slice.endPosition(); position++) {
                    float[] row = new float[width];
                    Arrays.fill(row, -10f);
                    row[padding] = 30f;
                    row[runnerUp] = 20f;
                    logits.accept(s, position, row);
                }
            }
        }

        @Override
        public void release(long sequenceId) {
        }

        @Override
        public void close() {
        }
    }
}
