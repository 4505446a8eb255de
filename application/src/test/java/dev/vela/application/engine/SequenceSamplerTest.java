package dev.vela.application.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vela.domain.sampling.SamplingDefaults;
import dev.vela.domain.sampling.SamplingParams;
import org.junit.jupiter.api.Test;

class SequenceSamplerTest {

    private static final int[] EOS = {0};

    private static SequenceSampler greedy(SamplingParams.Builder params) {
        SamplingParams resolved = params.temperature(0.0).build().withDefaults(SamplingDefaults.none()).withMaxTokens(100);
        return new SequenceSampler(3, resolved, new int[] {2}, EOS);
    }

    @Test
    void anAddedOutputIsPenalisedInTheNextSample() {
        SequenceSampler sampler = greedy(SamplingParams.builder().presencePenalty(2.0));
        assertEquals(1, sampler.sample(new float[] {0f, 1f, 0.5f}));
        sampler.addOutput(1);
        assertEquals(2, sampler.sample(new float[] {0f, 1f, 0.5f}), "token 1 is now 1 - 2 = -1");
    }

    @Test
    void addedOutputsCountTowardsMinTokens() {
        SequenceSampler sampler = greedy(SamplingParams.builder().minTokens(1));
        assertEquals(1, sampler.sample(new float[] {5f, 1f, 0f}), "EOS is masked before the first output");
        sampler.addOutput(1);
        assertEquals(0, sampler.sample(new float[] {5f, 1f, 0f}));
    }
}
