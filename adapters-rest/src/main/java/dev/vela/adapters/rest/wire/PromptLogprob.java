package dev.vela.adapters.rest.wire;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One token in vLLM's {@code prompt_logprobs}: a list with one entry per prompt position (null for
 * the first), each a map from token id (as a string) to this.
 */
@Schema(name = "PromptLogprob")
@JsonbPropertyOrder({"logprob", "rank", "decodedToken"})
public record PromptLogprob(float logprob, int rank, String decodedToken) {
}
