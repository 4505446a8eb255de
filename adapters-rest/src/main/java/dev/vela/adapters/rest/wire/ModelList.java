package dev.vela.adapters.rest.wire;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer of {@code GET /v1/models}. */
@Schema(name = "ModelList")
@JsonbPropertyOrder({"object", "data"})
public record ModelList(@Schema(example = "list") String object, List<ModelInfo> data) {

    /** One served model. */
    @Schema(name = "Model")
    @JsonbPropertyOrder({"id", "object", "created", "ownedBy", "root", "parent", "maxModelLen", "quantization", "permission"})
    public record ModelInfo(@Schema(example = "DeepSeek-R1-Distill-Qwen-32B") String id,
                            @Schema(example = "model") String object,
                            long created,
                            String ownedBy,
                            @Schema(description = "where the weights came from") String root,
                            @JsonbNillable String parent,
                            @Schema(example = "8192") int maxModelLen,
                            @Schema(description = "Vela's: the quantization the weights are served in (q8_0, q4_0);"
                                    + " absent when they are served as stored, as vLLM's listing is",
                                    example = "q8_0") String quantization,
                            List<ModelPermission> permission) {
    }

    /** The permission entry OpenAI's model objects carried; kept for clients that read it. */
    @Schema(name = "ModelPermission")
    @JsonbPropertyOrder({"id", "object", "created", "allowCreateEngine", "allowSampling", "allowLogprobs",
            "allowSearchIndices", "allowView", "allowFineTuning", "organization", "group", "isBlocking"})
    public record ModelPermission(String id, String object, long created, boolean allowCreateEngine,
                                  boolean allowSampling, boolean allowLogprobs, boolean allowSearchIndices,
                                  boolean allowView, boolean allowFineTuning, String organization,
                                  @JsonbNillable String group, boolean isBlocking) {
    }
}
