package dev.vela.domain.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vela.domain.error.InvalidRequestException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SamplingParamsTest {

    private static InvalidRequestException rejected(Consumer<SamplingParams.Builder> setup) {
        SamplingParams.Builder builder = SamplingParams.builder();
        setup.accept(builder);
        return assertThrows(InvalidRequestException.class, builder::build);
    }

    @Test
    void temperatureAboveTwoIsRejectedWithVllmsMessage() {
        InvalidRequestException e = rejected(b -> b.temperature(3.0));
        assertEquals("temperature must be in [0, 2], got 3.0.", e.getMessage());
        assertEquals("temperature", e.param());
    }

    @Test
    void negativeTemperatureNamesTemperature() {
        assertEquals("temperature", rejected(b -> b.temperature(-0.5)).param());
    }

    @Test
    void topPOfZeroIsRejected() {
        InvalidRequestException e = rejected(b -> b.topP(0.0));
        assertEquals("top_p must be in (0, 1], got 0.0.", e.getMessage());
        assertEquals("top_p", e.param());
    }

    @Test
    void penaltiesOutsideMinusTwoToTwoAreRejected() {
        assertEquals("presence_penalty must be in [-2, 2], got 2.5.", rejected(b -> b.presencePenalty(2.5)).getMessage());
        assertEquals("frequency_penalty must be in [-2, 2], got -3.0.", rejected(b -> b.frequencyPenalty(-3)).getMessage());
    }

    @Test
    void nBelowOneIsRejected() {
        InvalidRequestException e = rejected(b -> b.n(0));
        assertEquals("n must be at least 1, got 0.", e.getMessage());
        assertEquals("n", e.param());
    }

    @Test
    void bestOfBelowNIsRejected() {
        assertEquals("best_of must be greater than or equal to n, got n=3 and best_of=2.",
                rejected(b -> b.n(3).bestOf(2)).getMessage());
    }

    @Test
    void maxTokensBelowOneIsRejected() {
        assertEquals("max_tokens must be at least 1, got 0.", rejected(b -> b.maxTokens(0)).getMessage());
    }

    @Test
    void minTokensAboveMaxTokensIsRejected() {
        assertEquals("min_tokens must be less than or equal to max_tokens=4, got 5.",
                rejected(b -> b.maxTokens(4).minTokens(5)).getMessage());
    }

    @Test
    void emptyStopStringIsRejected() {
        InvalidRequestException e = rejected(b -> b.stop(List.of("a", "")));
        assertEquals("stop cannot contain an empty string.", e.getMessage());
        assertEquals("stop", e.param());
    }

    @Test
    void greedySamplingAllowsOnlyOneChoice() {
        assertEquals("n must be 1 when using greedy sampling, got 2.", rejected(b -> b.temperature(0.0).n(2)).getMessage());
    }

    @Test
    void greedySamplingSwitchesOffTruncation() {
        SamplingParams p = SamplingParams.builder().temperature(0.0).topP(0.5).topK(3).minP(0.2).build();
        assertEquals(1.0, p.topP());
        assertEquals(0, p.topK());
        assertEquals(0.0, p.minP());
    }

    @Test
    void bestOfIsBoundLikeN() {
        InvalidRequestException e = rejected(b -> b.bestOf(2_000_000_000));
        assertEquals("best_of must be at most 16384, got 2000000000.", e.getMessage());
        assertEquals("best_of", e.param());
    }

    @Test
    void topPOutOfRangeIsRejectedEvenWhenGreedy() {
        InvalidRequestException e = rejected(b -> b.temperature(0.0).topP(1.5));
        assertEquals("top_p must be in (0, 1], got 1.5.", e.getMessage());
        assertEquals("top_p", e.param());
    }

    @Test
    void topKBelowMinusOneIsRejectedEvenWhenGreedy() {
        InvalidRequestException e = rejected(b -> b.temperature(0.0).topK(-5));
        assertEquals("top_k must be 0 (disable), or at least 1, got -5.", e.getMessage());
        assertEquals("top_k", e.param());
    }

    @Test
    void minPOutOfRangeIsRejectedEvenWhenGreedy() {
        InvalidRequestException e = rejected(b -> b.temperature(0.0).minP(-0.1));
        assertEquals("min_p must be in [0, 1], got -0.1.", e.getMessage());
        assertEquals("min_p", e.param());
    }

    @Test
    void tinyTemperatureIsRaisedToOneHundredth() {
        assertEquals(0.01, SamplingParams.builder().temperature(0.001).build().temperature());
    }

    @Test
    void logitBiasIsClampedToPlusMinusHundred() {
        SamplingParams p = SamplingParams.builder().logitBias(Map.of(1, 500.0, 2, -250.0, 3, 5.0)).build();
        assertEquals(Map.of(1, 100.0, 2, -100.0, 3, 5.0), p.logitBias());
    }

    @Test
    void logprobsAboveTwentyAreRejected() {
        assertEquals("Requested sample logprobs of 21, which is greater than max allowed: 20",
                rejected(b -> b.logprobs(21)).getMessage());
    }

    @Test
    void logprobsOfMinusOneAskForTheWholeVocabularyAndAreRejected() {
        SamplingParams p = SamplingParams.builder().logprobs(-1).build();
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> p.verifyTokenIds(512));
        assertEquals("Requested sample logprobs of 512, which is greater than max allowed: 20", e.getMessage());
        assertEquals("logprobs", e.param());
    }

    @Test
    void promptLogprobsOfMinusOneAskForTheWholeVocabularyAndAreRejected() {
        SamplingParams p = SamplingParams.builder().promptLogprobs(-1).build();
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> p.verifyTokenIds(512));
        assertEquals("Requested prompt logprobs of 512, which is greater than max allowed: 20", e.getMessage());
        assertEquals("prompt_logprobs", e.param());
    }

    @Test
    void seedMinusOneMeansNoSeed() {
        assertNull(SamplingParams.builder().seed(-1L).build().seed());
    }

    @Test
    void missingFieldsTakeTheModelsDefaultsThenVllmsBuiltIns() {
        SamplingParams p = SamplingParams.builder().topP(0.5).build()
                .withDefaults(new SamplingDefaults(0.6, 0.95, null, null, null, null));
        assertEquals(0.6, p.temperature());
        assertEquals(0.5, p.topP(), "a field the request sent wins");
        assertEquals(0, p.topK());
        assertEquals(1.0, p.repetitionPenalty());
    }

    @Test
    void outOfVocabularyLogitBiasNamesTheIds() {
        SamplingParams p = SamplingParams.builder().logitBias(Map.of(5, 1.0, 700, 1.0, 900, 2.0)).build();
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> p.verifyTokenIds(512));
        assertEquals("token_id(s) [700, 900] in logit_bias contain out-of-vocab token ids. Vocabulary size: 512", e.getMessage());
        assertEquals("logit_bias", e.param());
    }
}
