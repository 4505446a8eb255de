package dev.vela.domain.generation;

import dev.vela.domain.sampling.SamplingDefaults;
import java.util.List;

/**
 * What the model's {@code generation_config.json} says about generating: the sampling defaults for
 * fields a request leaves out, and the token ids that end a sequence.
 */
public record GenerationConfig(SamplingDefaults defaults, List<Integer> eosTokenIds) {

    public GenerationConfig {
        defaults = defaults == null ? SamplingDefaults.none() : defaults;
        eosTokenIds = eosTokenIds == null ? List.of() : List.copyOf(eosTokenIds);
    }

    /** The same EOS ids with vLLM's built-in sampling defaults ({@code --generation-config vllm}). */
    public GenerationConfig withoutModelDefaults() {
        return new GenerationConfig(SamplingDefaults.none(), eosTokenIds);
    }
}
