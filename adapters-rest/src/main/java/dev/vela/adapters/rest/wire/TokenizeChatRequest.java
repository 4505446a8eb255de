package dev.vela.adapters.rest.wire;

import dev.vela.application.port.in.TokenizeCommand;
import dev.vela.domain.chat.ChatRenderOptions;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The chat form of {@code POST /tokenize}: the conversation is rendered with the chat template first. */
@Schema(name = "TokenizeChatRequest", description = "tokenize a conversation, as /v1/chat/completions would")
public record TokenizeChatRequest(
        @Schema(description = "served model name; omit for the served model", example = "DeepSeek-R1-Distill-Qwen-32B")
        String model,
        @Schema(required = true, description = "the conversation") List<ChatMessageParam> messages,
        @Schema(description = "open the assistant's turn", defaultValue = "true") Boolean addGenerationPrompt,
        @Schema(description = "continue the last message instead of starting a new one", defaultValue = "false")
        Boolean continueFinalMessage,
        @Schema(description = "add the tokenizer's special tokens on top of what the template writes",
                defaultValue = "false") Boolean addSpecialTokens,
        @Schema(description = "a Jinja chat template to use instead of the model's") String chatTemplate,
        @Schema(description = "extra variables for the chat template") Map<String, Object> chatTemplateKwargs,
        @Schema(description = "functions offered to the model; rendered by the chat template") List<Map<String, Object>> tools,
        @Schema(description = "also return each token's string", defaultValue = "false") Boolean returnTokenStrs) {

    static TokenizeChatRequest read(RequestJson json) {
        List<RequestJson> messages = json.objects("messages");
        if (messages == null) {
            throw json.missing("messages");
        }
        RequestJson kwargs = json.object("chat_template_kwargs");
        return new TokenizeChatRequest(json.string("model"), ChatCompletionRequest.messages(messages),
                json.bool("add_generation_prompt"), json.bool("continue_final_message"), json.bool("add_special_tokens"),
                json.string("chat_template"), kwargs == null ? null : JsonValues.toMap(kwargs.raw()),
                Tools.read(json), json.bool("return_token_strs"));
    }

    TokenizeCommand toCommand() {
        ChatRenderOptions render = new ChatRenderOptions(!Boolean.FALSE.equals(addGenerationPrompt),
                Boolean.TRUE.equals(continueFinalMessage), chatTemplateKwargs, tools, chatTemplate);
        return new TokenizeCommand.Chat(model, messages.stream().map(ChatMessageParam::toDomain).toList(), render,
                Boolean.TRUE.equals(addSpecialTokens), Boolean.TRUE.equals(returnTokenStrs));
    }
}
