package dev.vela.domain.sampling;

/**
 * Server-side defaults for the sampling fields a request leaves out, as vLLM takes them from the
 * model's {@code generation_config.json} ({@code --generation-config auto}). A null field falls
 * back to vLLM's built-in default.
 */
public record SamplingDefaults(Double temperature, Double topP, Integer topK, Double minP,
                               Double repetitionPenalty, Integer maxTokens) {

    /** vLLM's built-ins ({@code --generation-config vllm}): temperature 1, top_p 1, no top_k/min_p. */
    public static final SamplingDefaults BUILT_IN = new SamplingDefaults(1.0, 1.0, 0, 0.0, 1.0, null);

    public static SamplingDefaults none() {
        return new SamplingDefaults(null, null, null, null, null, null);
    }

    /** These defaults, with vLLM's built-ins wherever this one has none. */
    public SamplingDefaults orBuiltIn() {
        return new SamplingDefaults(
                temperature != null ? temperature : BUILT_IN.temperature,
                topP != null ? topP : BUILT_IN.topP,
                topK != null ? topK : BUILT_IN.topK,
                minP != null ? minP : BUILT_IN.minP,
                repetitionPenalty != null ? repetitionPenalty : BUILT_IN.repetitionPenalty,
                maxTokens);
    }
}
