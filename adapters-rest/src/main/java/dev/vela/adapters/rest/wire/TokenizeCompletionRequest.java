package dev.vela.adapters.rest.wire;

import dev.vela.application.port.in.TokenizeCommand;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The prompt form of {@code POST /tokenize}. */
@Schema(name = "TokenizeCompletionRequest", description = "tokenize a prompt, as /v1/completions would")
public record TokenizeCompletionRequest(
        @Schema(description = "served model name; omit for the served model", example = "DeepSeek-R1-Distill-Qwen-32B")
        String model,
        @Schema(required = true, description = "the text to tokenize", example = "请介绍下中科院计算所？") String prompt,
        @Schema(description = "add the model's special tokens (BOS for DeepSeek-R1-Distill)", defaultValue = "true")
        Boolean addSpecialTokens,
        @Schema(description = "also return each token's string", defaultValue = "false") Boolean returnTokenStrs) {

    static TokenizeCompletionRequest read(RequestJson json) {
        if (!json.has("prompt")) {
            throw json.missing("prompt");
        }
        return new TokenizeCompletionRequest(json.string("model"), json.string("prompt"),
                json.bool("add_special_tokens"), json.bool("return_token_strs"));
    }

    TokenizeCommand toCommand() {
        return new TokenizeCommand.Prompt(model, prompt, !Boolean.FALSE.equals(addSpecialTokens),
                Boolean.TRUE.equals(returnTokenStrs));
    }
}
