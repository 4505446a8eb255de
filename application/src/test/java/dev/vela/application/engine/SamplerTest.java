package dev.vela.application.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.sampling.SamplingParams;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SamplerTest {

    private static final int[] EOS = {0};

    private static SequenceSampling sampling(SamplingParams params, int... prompt) {
        return new SequenceSampling(params.withDefaults(dev.vela.domain.sampling.SamplingDefaults.none()).withMaxTokens(100),
                0, prompt, EOS, params.logprobs() != null);
    }

    private static SamplingParams.Builder params() {
        return SamplingParams.builder();
    }

    @Test
    void greedyPicksTheLargestLogit() {
        Sampler sampler = new Sampler(4);
        float[] logits = {0.1f, 2.5f, 2.4f, -1f};
        assertEquals(1, sampler.sample(logits, sampling(params().temperature(0.0).build()), 0, 0).token());
    }

    @Test
    void logitBiasIsAddedToTheRawLogit() {
        Sampler sampler = new Sampler(4);
        float[] logits = {0.1f, 2.5f, 2.4f, -1f};
        SamplingParams p = params().temperature(0.0).logitBias(Map.of(3, 10.0)).build();
        sampler.sample(logits, sampling(p), 0, 0);
        assertEquals(9f, logits[3], 1e-6);
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenTokens() {
        Sampler sampler = new Sampler(5);
        float[] logits = {0f, 2f, -1f, 3f, 1f};
        SequenceSampling seq = sampling(params().temperature(0.0).repetitionPenalty(2.0).build(), 1, 2);
        seq.outputTokens.add(3);
        sampler.sample(logits, seq, 1, 0);
        assertEquals(1f, logits[1], 1e-6, "prompt token, positive: 2 / 2");
        assertEquals(-2f, logits[2], 1e-6, "prompt token, negative: -1 * 2");
        assertEquals(1.5f, logits[3], 1e-6, "output token: 3 / 2");
        assertEquals(1f, logits[4], 1e-6, "unseen token untouched");
    }

    @Test
    void frequencyAndPresencePenaltiesCountOnlyOutputTokens() {
        Sampler sampler = new Sampler(4);
        float[] logits = {0f, 1f, 1f, 1f};
        SequenceSampling seq = sampling(params().temperature(0.0).frequencyPenalty(0.5).presencePenalty(0.25).build(), 3);
        seq.outputTokens.add(1);
        seq.outputTokens.add(1);
        seq.outputTokens.add(2);
        sampler.sample(logits, seq, 3, 0);
        assertEquals(1f - 2 * 0.5f - 0.25f, logits[1], 1e-6);
        assertEquals(1f - 0.5f - 0.25f, logits[2], 1e-6);
        assertEquals(1f, logits[3], 1e-6, "a prompt token is not penalised by frequency or presence");
    }

    @Test
    void logitBiasComesBeforeThePenalties() {
        Sampler sampler = new Sampler(3);
        float[] logits = {0f, 1f, 0f};
        SequenceSampling seq = sampling(params().temperature(0.0).logitBias(Map.of(1, 3.0)).repetitionPenalty(2.0).build());
        seq.outputTokens.add(1);
        sampler.sample(logits, seq, 1, 0);
        assertEquals((1f + 3f) / 2f, logits[1], 1e-6, "bias first, then the penalty divides the biased logit");
    }

    @Test
    void minTokensMasksEosUntilEnoughTokens() {
        Sampler sampler = new Sampler(3);
        SamplingParams p = params().temperature(0.0).minTokens(2).build();
        float[] logits = {9f, 1f, 0f};
        assertEquals(1, sampler.sample(logits, sampling(p), 1, 0).token(), "EOS is masked before 2 tokens");
        float[] later = {9f, 1f, 0f};
        assertEquals(0, sampler.sample(later, sampling(p), 2, 0).token(), "then allowed");
    }

    @Test
    void allowedTokenIdsMaskEverythingElse() {
        Sampler sampler = new Sampler(4);
        float[] logits = {5f, 4f, 3f, 2f};
        assertEquals(2, sampler.sample(logits, sampling(params().temperature(0.0).allowedTokenIds(List.of(2, 3)).build()), 0, 0).token());
    }

    private static Set<Integer> drawn(SamplingParams p, float[] logits, int draws) {
        Sampler sampler = new Sampler(logits.length);
        SequenceSampling seq = sampling(p);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < draws; i++) {
            seen.add(sampler.sample(logits.clone(), seq, 0, 0).token());
        }
        return seen;
    }

    @Test
    void topKKeepsExactlyTheKMostLikelyTokens() {
        float[] logits = {1f, 5f, 3f, 4f, 2f, 0f};
        assertEquals(Set.of(1, 3, 2), drawn(params().temperature(1.0).topK(3).seed(1L).build(), logits, 2000));
    }

    @Test
    void topPKeepsTheSmallestSetReachingP() {
        // probabilities 0.5, 0.25, 0.125, 0.0625, 0.0625: the top three reach 0.875
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.25), (float) Math.log(0.125),
            (float) Math.log(0.0625), (float) Math.log(0.0625)};
        assertEquals(Set.of(0, 1, 2), drawn(params().temperature(1.0).topP(0.8).seed(2L).build(), logits, 3000));
        assertEquals(Set.of(0), drawn(params().temperature(1.0).topP(0.5).seed(2L).build(), logits, 500),
                "the top token alone reaches 0.5");
    }

    @Test
    void minPDropsTokensLessLikelyThanMinPTimesTheBest() {
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};
        assertEquals(Set.of(0, 1), drawn(params().temperature(1.0).minP(0.5).seed(3L).build(), logits, 3000));
    }

    @Test
    void samplingAtTemperatureTFollowsSoftmaxOfLogitsOverT() {
        float[] logits = {1f, 2f, 0.5f, 1.5f};
        double temperature = 0.7;
        int draws = 40_000;
        int[] counts = new int[logits.length];
        Sampler sampler = new Sampler(logits.length);
        SequenceSampling seq = sampling(params().temperature(temperature).seed(4L).build());
        for (int i = 0; i < draws; i++) {
            counts[sampler.sample(logits.clone(), seq, 0, 0).token()]++;
        }
        double norm = 0;
        for (float l : logits) {
            norm += Math.exp(l / temperature);
        }
        for (int t = 0; t < logits.length; t++) {
            double p = Math.exp(logits[t] / temperature) / norm;
            double sigma = Math.sqrt(p * (1 - p) / draws);
            assertEquals(p, counts[t] / (double) draws, 5 * sigma, "token " + t + " (5 sigma)");
        }
    }

    @Test
    void theSameSeedGivesTheSameTokens() {
        float[] logits = new float[1000];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.sin(i);
        }
        SamplingParams p = params().temperature(1.0).seed(1234L).build();
        Sampler sampler = new Sampler(logits.length);
        SequenceSampling a = sampling(p);
        SequenceSampling b = sampling(p);
        for (int i = 0; i < 50; i++) {
            assertEquals(sampler.sample(logits.clone(), a, 0, 0).token(), sampler.sample(logits.clone(), b, 0, 0).token());
        }
    }

    @Test
    void withoutSeedDrawsDiffer() {
        float[] logits = new float[1000];
        SamplingParams p = params().temperature(1.0).build();
        Sampler sampler = new Sampler(logits.length);
        int[] first = new int[20];
        int[] second = new int[20];
        SequenceSampling a = sampling(p);
        SequenceSampling b = sampling(p);
        for (int i = 0; i < 20; i++) {
            first[i] = sampler.sample(logits.clone(), a, 0, 0).token();
            second[i] = sampler.sample(logits.clone(), b, 0, 0).token();
        }
        assertNotEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(second));
    }

    @Test
    void logprobsComeFromTheRawLogits() {
        Sampler sampler = new Sampler(3);
        float[] logits = {0f, (float) Math.log(3), 0f};
        SamplingParams p = params().temperature(0.0).logprobs(2).logitBias(Map.of(0, 50.0)).build();
        Sampler.Sample sample = sampler.sample(logits, sampling(p), 0, 2);
        assertEquals(0, sample.token(), "the bias decides the token");
        assertEquals(Math.log(0.2), sample.logprob(), 1e-6, "but its logprob is the raw one: 1/5");
        assertEquals(1, sample.topIds()[0]);
        assertEquals((float) Math.log(0.6), sample.topLogprobs()[0], 1e-6);
    }

    @Test
    void topNKeepsTheLargestValuesBestFirst() {
        float[] row = {3f, 9f, 1f, 7f, 5f};
        int[] ids = new int[3];
        float[] values = new float[3];
        Sampler.topN(row, ids, values);
        assertEquals(List.of(1, 3, 4), List.of(ids[0], ids[1], ids[2]));
        assertTrue(values[0] > values[1] && values[1] > values[2]);
    }

    @Test
    void allowedTokenIdsOfOnlyTheEosWithMinTokensAreRefusedBeforeAnythingIsSampled() {
        SamplingParams p = params().temperature(0.0).allowedTokenIds(List.of(0)).minTokens(5).build();
        InvalidRequestException refused = assertThrows(InvalidRequestException.class, () -> sampling(p));
        assertEquals("allowed_token_ids", refused.param());
    }

    @Test
    void allowedTokenIdsOfOnlyStopTokenIdsWithMinTokensAreRefused() {
        SamplingParams p = params().temperature(0.0).allowedTokenIds(List.of(0, 3)).stopTokenIds(List.of(3))
                .minTokens(1).build();
        assertThrows(InvalidRequestException.class, () -> sampling(p));
    }

    @Test
    void allowedTokenIdsOfTheEosAloneAreFineWhenEosIsIgnored() {
        SamplingParams p = params().temperature(0.0).allowedTokenIds(List.of(0)).minTokens(5).ignoreEos(true).build();
        assertEquals(0, new Sampler(3).sample(new float[] {0f, 1f, 2f}, sampling(p), 0, 0).token());
    }

    @Test
    void aRowWithEveryTokenMaskedFailsWithAClearErrorInsteadOfATokenGreedyOrNot() {
        SamplingParams greedy = params().temperature(0.0).allowedTokenIds(List.of(1)).build();
        SamplingParams random = params().temperature(1.0).seed(1L).allowedTokenIds(List.of(1)).build();
        for (SamplingParams p : List.of(greedy, random)) {
            float[] logits = {0f, Float.NEGATIVE_INFINITY, 2f};
            InvalidRequestException failed = assertThrows(InvalidRequestException.class,
                    () -> new Sampler(3).sample(logits, sampling(p), 0, 0));
            assertTrue(failed.getMessage().contains("nothing can be sampled"), failed.getMessage());
        }
    }

    @Test
    void aRowWithANanLogitFailsInsteadOfYieldingAToken() {
        for (double temperature : new double[] {0.0, 1.0}) {
            SamplingParams p = params().temperature(temperature).seed(1L).topK(2).build();
            float[] logits = {1f, Float.NaN, 2f, 0.5f};
            IllegalStateException failed = assertThrows(IllegalStateException.class,
                    () -> new Sampler(4).sample(logits, sampling(p), 0, 0));
            assertTrue(failed.getMessage().contains("NaN"), failed.getMessage());
        }
    }

    @Test
    void tokensAtPositiveInfinityShareAllTheProbability() {
        SamplingParams p = params().temperature(1.0).seed(3L).logprobs(2).build();
        SequenceSampling seq = sampling(p);
        Sampler sampler = new Sampler(4);
        Set<Integer> drawn = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            float[] logits = {1f, Float.POSITIVE_INFINITY, 2f, Float.POSITIVE_INFINITY};
            Sampler.Sample sample = sampler.sample(logits, seq, 0, 2);
            drawn.add(sample.token());
            assertEquals(Math.log(0.5), sample.logprob(), 1e-9);
            assertEquals((float) Math.log(0.5), sample.topLogprobs()[1], 1e-6);
        }
        assertEquals(Set.of(1, 3), drawn);
    }
}
