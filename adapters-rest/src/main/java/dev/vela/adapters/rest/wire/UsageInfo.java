package dev.vela.adapters.rest.wire;

import dev.vela.domain.generation.Usage;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Token counts of a request ({@code usage}). */
@Schema(name = "UsageInfo", description = "Token counts of the request")
@JsonbPropertyOrder({"promptTokens", "totalTokens", "completionTokens"})
public record UsageInfo(int promptTokens, int totalTokens, int completionTokens) {

    public static UsageInfo of(Usage usage) {
        return new UsageInfo(usage.promptTokens(), usage.totalTokens(), usage.completionTokens());
    }
}
