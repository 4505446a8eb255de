package dev.vela.adapters.rest.wire;

import dev.vela.application.port.in.DetokenizeCommand;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code POST /detokenize}. */
@Schema(name = "DetokenizeRequest")
public record DetokenizeRequest(
        @Schema(description = "served model name; omit for the served model", example = "DeepSeek-R1-Distill-Qwen-32B")
        String model,
        @Schema(required = true, description = "token ids to turn into text", example = "[151646, 14880, 100157]")
        List<Integer> tokens) {

    public static DetokenizeRequest read(RequestJson json) {
        List<Integer> tokens = json.intList("tokens");
        if (tokens == null) {
            throw json.missing("tokens");
        }
        return new DetokenizeRequest(json.string("model"), tokens);
    }

    public DetokenizeCommand toCommand() {
        return new DetokenizeCommand(model, tokens.stream().mapToInt(Integer::intValue).toArray());
    }
}
