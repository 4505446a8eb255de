package dev.vela.benchmarks;

import dev.vela.application.engine.SequenceSampler;
import dev.vela.domain.sampling.SamplingDefaults;
import dev.vela.domain.sampling.SamplingParams;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Times the engine's sampler on one row of logits. */
public final class SamplingProbe {

    private SamplingProbe() {
    }

    /**
     * Microseconds per sampled token over {@code vocabulary} logits with every processor on
     * (logit_bias, repetition/frequency/presence penalties over 200 seen tokens, temperature,
     * min_p, top_k, top_p, 5 logprobs); the median of {@code rounds} rounds of {@code tokens}.
     */
    public static double[] microsPerToken(int vocabulary, int rounds, int tokens) {
        Map<Integer, Double> bias = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            bias.put(i * 997, 2.0);
        }
        SamplingParams params = SamplingParams.builder().temperature(0.7).topP(0.9).topK(40).minP(0.02)
                .repetitionPenalty(1.1).frequencyPenalty(0.5).presencePenalty(0.5).logitBias(bias).logprobs(5)
                .seed(1L).build().withDefaults(SamplingDefaults.none()).withMaxTokens(100_000);
        int[] prompt = new SplittableRandom(1).ints(200, 0, vocabulary).toArray();
        SequenceSampler sampler = new SequenceSampler(vocabulary, params, prompt, new int[] {0});
        for (int i = 0; i < 200; i++) {
            sampler.addOutput(prompt[i] / 2);
        }
        float[] source = new float[vocabulary];
        SplittableRandom random = new SplittableRandom(2);
        for (int i = 0; i < vocabulary; i++) {
            source[i] = (float) (random.nextGaussian() * 3);
        }
        float[] logits = new float[vocabulary];
        double[] perRound = new double[rounds];
        for (int round = -2; round < rounds; round++) {         // two rounds of warm-up
            long start = System.nanoTime();
            for (int t = 0; t < tokens; t++) {
                System.arraycopy(source, 0, logits, 0, vocabulary);
                sampler.sample(logits);
            }
            if (round >= 0) {
                perRound[round] = (System.nanoTime() - start) / 1e3 / tokens;
            }
        }
        return perRound;
    }

    /** The same, greedy with no processor: the floor of what sampling costs. */
    public static double[] greedyMicrosPerToken(int vocabulary, int rounds, int tokens) {
        SamplingParams params = SamplingParams.builder().temperature(0.0).build()
                .withDefaults(SamplingDefaults.none()).withMaxTokens(100_000);
        SequenceSampler sampler = new SequenceSampler(vocabulary, params, new int[] {1}, new int[] {0});
        float[] logits = new float[vocabulary];
        SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < vocabulary; i++) {
            logits[i] = (float) random.nextGaussian();
        }
        double[] perRound = new double[rounds];
        for (int round = -2; round < rounds; round++) {
            long start = System.nanoTime();
            for (int t = 0; t < tokens; t++) {
                sampler.sample(logits);
            }
            if (round >= 0) {
                perRound[round] = (System.nanoTime() - start) / 1e3 / tokens;
            }
        }
        return perRound;
    }
}
