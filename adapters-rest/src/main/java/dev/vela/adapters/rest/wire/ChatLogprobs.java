package dev.vela.adapters.rest.wire;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Log-probabilities in the chat format. */
@Schema(name = "ChatLogprobs")
@JsonbNillable // so that a choice without them says "logprobs": null
public record ChatLogprobs(@JsonbNillable List<Entry> content) {

    /** One generated token. */
    @Schema(name = "ChatLogprobEntry")
    @JsonbPropertyOrder({"token", "logprob", "bytes", "topLogprobs"})
    public record Entry(String token, float logprob, List<Integer> bytes, List<Top> topLogprobs) {
    }

    /** An alternative at the same position. */
    @Schema(name = "ChatTopLogprob")
    @JsonbPropertyOrder({"token", "logprob", "bytes"})
    public record Top(String token, float logprob, List<Integer> bytes) {
    }
}
