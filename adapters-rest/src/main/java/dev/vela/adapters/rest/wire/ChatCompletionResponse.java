package dev.vela.adapters.rest.wire;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer of {@code POST /v1/chat/completions} without streaming. */
@Schema(name = "ChatCompletionResponse")
@JsonbPropertyOrder({"id", "object", "created", "model", "choices", "usage", "promptLogprobs"})
public record ChatCompletionResponse(@Schema(example = "chatcmpl-0f3a...") String id,
                                     @Schema(enumeration = {"chat.completion"}) String object,
                                     long created,
                                     String model,
                                     List<Choice> choices,
                                     UsageInfo usage,
                                     @JsonbNillable @Schema(description = "vLLM: per prompt position null or token id -> PromptLogprob")
                                     List<Map<String, PromptLogprob>> promptLogprobs) {

    /** One answer. */
    @Schema(name = "ChatCompletionChoice")
    @JsonbPropertyOrder({"index", "message", "logprobs", "finishReason", "stopReason"})
    public record Choice(int index,
                         Message message,
                         @JsonbNillable ChatLogprobs logprobs,
                         @JsonbNillable @Schema(enumeration = {"stop", "length", "abort", "tool_calls"}) String finishReason,
                         @JsonbNillable @Schema(oneOf = {String.class, Integer.class}) Object stopReason) {
    }

    /** The assistant's message. */
    @Schema(name = "ChatCompletionMessage")
    @JsonbPropertyOrder({"role", "content", "reasoningContent", "toolCalls"})
    public record Message(@Schema(example = "assistant") String role,
                          @JsonbNillable String content,
                          @JsonbNillable @Schema(description = "the reasoning, with --reasoning-parser deepseek_r1")
                          String reasoningContent,
                          @Schema(description = "the calls the answer makes; content is null when it only calls")
                          List<ChatToolCall> toolCalls) {
    }
}
