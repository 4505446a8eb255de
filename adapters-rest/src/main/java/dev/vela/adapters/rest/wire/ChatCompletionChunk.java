package dev.vela.adapters.rest.wire;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * One server-sent event of a streamed chat completion. {@code usage} appears only when asked for
 * ({@code stream_options}); a choice's {@code finish_reason} is null until its last chunk.
 */
@Schema(name = "ChatCompletionChunk")
@JsonbPropertyOrder({"id", "object", "created", "model", "choices", "usage"})
public record ChatCompletionChunk(String id,
                                  @Schema(enumeration = {"chat.completion.chunk"}) String object,
                                  long created,
                                  String model,
                                  List<Choice> choices,
                                  UsageInfo usage) {

    /** The new part of one choice. */
    @Schema(name = "ChatCompletionChunkChoice")
    @JsonbPropertyOrder({"index", "delta", "logprobs", "finishReason", "stopReason"})
    public record Choice(int index,
                         Delta delta,
                         @JsonbNillable ChatLogprobs logprobs,
                         @JsonbNillable String finishReason,
                         Object stopReason) {
    }

    /** The text (or role) added by this chunk; absent fields did not change. */
    @Schema(name = "ChatCompletionDelta")
    @JsonbPropertyOrder({"role", "content", "reasoningContent", "toolCalls"})
    public record Delta(String role, String content, String reasoningContent, List<ChatToolCallDelta> toolCalls) {

        public static final Delta EMPTY = new Delta(null, null, null, null);

        public Delta(String role, String content, String reasoningContent) {
            this(role, content, reasoningContent, null);
        }
    }
}
