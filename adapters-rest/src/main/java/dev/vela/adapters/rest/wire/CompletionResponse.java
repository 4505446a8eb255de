package dev.vela.adapters.rest.wire;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The answer of {@code POST /v1/completions}; a streamed chunk has the same shape with one choice
 * and {@code usage} null (or the running usage).
 */
@Schema(name = "CompletionResponse")
@JsonbPropertyOrder({"id", "object", "created", "model", "choices", "usage", "systemFingerprint"})
public record CompletionResponse(@Schema(example = "cmpl-0f3a...") String id,
                                 @Schema(enumeration = {"text_completion"}) String object,
                                 long created,
                                 String model,
                                 List<Choice> choices,
                                 // Object, not UsageInfo: Yasson ignores @JsonbNillable on a property whose type is a record
                                 @JsonbNillable @Schema(implementation = UsageInfo.class, nullable = true) Object usage,
                                 @JsonbNillable String systemFingerprint) {

    /** One generated continuation. */
    @Schema(name = "CompletionChoice")
    @JsonbPropertyOrder({"index", "text", "logprobs", "finishReason", "stopReason", "promptLogprobs"})
    public record Choice(int index,
                         String text,
                         @JsonbNillable Logprobs logprobs,
                         @JsonbNillable @Schema(enumeration = {"stop", "length", "abort"}) String finishReason,
                         @JsonbNillable @Schema(description = "the stop string or stop token id that ended the choice",
                                 oneOf = {String.class, Integer.class}) Object stopReason,
                         @JsonbNillable @Schema(description = "vLLM: per prompt position null or token id -> PromptLogprob")
                         List<Map<String, PromptLogprob>> promptLogprobs) {
    }

    /** Log-probabilities in the legacy completions format. */
    @Schema(name = "CompletionLogprobs")
    @JsonbNillable // so that a choice without them says "logprobs": null

    @JsonbPropertyOrder({"textOffset", "tokenLogprobs", "tokens", "topLogprobs"})
    public record Logprobs(List<Integer> textOffset, List<Float> tokenLogprobs, List<String> tokens,
                           List<Map<String, Float>> topLogprobs) {
    }
}
