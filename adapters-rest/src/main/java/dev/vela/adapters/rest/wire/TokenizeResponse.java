package dev.vela.adapters.rest.wire;

import dev.vela.application.port.in.Tokenized;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer of {@code POST /tokenize}. */
@Schema(name = "TokenizeResponse")
@JsonbPropertyOrder({"count", "maxModelLen", "tokens", "tokenStrs"})
public record TokenizeResponse(@Schema(description = "number of tokens", example = "8") int count,
                               @Schema(description = "the served context length", example = "8192") int maxModelLen,
                               @Schema(description = "the token ids") List<Integer> tokens,
                               @Schema(description = "each token's vocabulary string (\"Ġworld\"); null unless return_token_strs",
                                       nullable = true)
                               @JsonbNillable List<String> tokenStrs) {

    public static TokenizeResponse of(Tokenized tokenized) {
        List<Integer> ids = Arrays.stream(tokenized.tokens()).boxed().toList();
        return new TokenizeResponse(ids.size(), tokenized.maxModelLen(), ids, tokenized.tokenStrs());
    }
}
