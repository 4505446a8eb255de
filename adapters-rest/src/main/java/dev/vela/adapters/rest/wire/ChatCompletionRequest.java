package dev.vela.adapters.rest.wire;

import dev.vela.application.port.in.ChatCommand;
import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.sampling.SamplingParams;
import dev.vela.domain.tools.ToolChoice;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code POST /v1/chat/completions}: OpenAI's fields plus vLLM's extras. Unknown fields
 * are accepted and ignored, as vLLM does.
 */
@Schema(name = "ChatCompletionRequest", description = "OpenAI chat completions request, with vLLM's extra fields")
public record ChatCompletionRequest(
        @Schema(required = true, description = "the conversation so far") List<ChatMessageParam> messages,
        @Schema(description = "served model name; omit or leave empty for the served model",
                example = "DeepSeek-R1-Distill-Qwen-32B") String model,
        @Schema(description = "in [-2, 2]; penalises tokens by how often they occurred", defaultValue = "0") Double frequencyPenalty,
        @Schema(description = "token id (as a string) to a bias in [-100, 100] added to its logit") Map<String, Double> logitBias,
        @Schema(description = "return the log-probability of each generated token", defaultValue = "false") Boolean logprobs,
        @Schema(description = "most likely alternatives per position (0-20); needs logprobs") Integer topLogprobs,
        @Schema(description = "deprecated in favour of max_completion_tokens", deprecated = true) Integer maxTokens,
        @Schema(description = "tokens to generate at most; default: the rest of the context") Integer maxCompletionTokens,
        @Schema(description = "choices to generate", defaultValue = "1") Integer n,
        @Schema(description = "in [-2, 2]; penalises tokens that occurred at all", defaultValue = "0") Double presencePenalty,
        @Schema(description = "seed of the request's random generator") Long seed,
        @Schema(description = "a string or a list of strings that end the answer", oneOf = {String.class, String[].class})
        List<String> stop,
        @Schema(description = "stream the answer as server-sent events", defaultValue = "false") Boolean stream,
        StreamOptions streamOptions,
        @Schema(description = "in [0, 2]; 0 is greedy; default from the model's generation_config.json") Double temperature,
        @Schema(description = "in (0, 1]; default from the model's generation_config.json") Double topP,
        @Schema(description = "functions the model may call; rendered by the chat template") List<Map<String, Object>> tools,
        @Schema(description = "none, auto (the default with tools; needs --enable-auto-tool-choice), required, or "
                + "{\"type\": \"function\", \"function\": {\"name\": ...}}", oneOf = {String.class, Map.class})
        ToolChoice toolChoice,
        @Schema(description = "whether a required answer may call more than one tool", defaultValue = "true")
        Boolean parallelToolCalls,
        @Schema(description = "ignored") String user,
        @Schema(description = "vLLM: generate best_of choices and return the n most likely") Integer bestOf,
        @Schema(description = "vLLM: keep the k most likely tokens; 0 or -1 disables") Integer topK,
        @Schema(description = "vLLM: drop tokens less likely than min_p times the most likely") Double minP,
        @Schema(description = "vLLM: > 0; 1 disables") Double repetitionPenalty,
        @Schema(description = "vLLM: token ids that end the answer") List<Integer> stopTokenIds,
        @Schema(description = "vLLM: keep the stop string in the text") Boolean includeStopStrInOutput,
        @Schema(description = "vLLM: keep generating after EOS") Boolean ignoreEos,
        @Schema(description = "vLLM: tokens to generate before EOS or stop may end it") Integer minTokens,
        @Schema(description = "vLLM: leave special tokens out of the text", defaultValue = "true") Boolean skipSpecialTokens,
        @Schema(description = "vLLM: put spaces between special tokens", defaultValue = "true") Boolean spacesBetweenSpecialTokens,
        @Schema(description = "vLLM: only these token ids may be generated") List<Integer> allowedTokenIds,
        @Schema(description = "vLLM: open the assistant's turn", defaultValue = "true") Boolean addGenerationPrompt,
        @Schema(description = "vLLM: continue the last message instead of starting a new one", defaultValue = "false")
        Boolean continueFinalMessage,
        @Schema(description = "vLLM: a Jinja chat template to use instead of the model's") String chatTemplate,
        @Schema(description = "vLLM: extra variables for the chat template") Map<String, Object> chatTemplateKwargs,
        @Schema(description = "vLLM: with a reasoning parser, whether to return reasoning_content", defaultValue = "true")
        Boolean includeReasoning,
        @Schema(description = "vLLM: log-probabilities of the prompt's own tokens, with this many alternatives (0-20); "
                + "not with stream") Integer promptLogprobs,
        @Schema(description = "vLLM: accepted and checked; the answer does not repeat the last message") Boolean echo,
        ResponseFormat responseFormat,
        @Schema(description = "vLLM: tokens the reasoning may take before </think> is forced; default "
                + "--thinking-token-budget, else unbounded") Integer thinkingTokenBudget,
        @Schema(description = "vLLM: what the answer must match; guided_json, guided_regex, guided_choice, "
                + "guided_grammar and guided_whitespace_pattern are read into it") StructuredOutputsParams structuredOutputs)
        implements SamplingFields {

    /** Reads and checks a request body. */
    public static ChatCompletionRequest read(RequestJson json) {
        List<RequestJson> messageJson = json.objects("messages");
        if (messageJson == null) {
            throw json.missing("messages");
        }
        SamplingFields.checkStreamOptions(json);
        Boolean logprobs = json.bool("logprobs");
        Integer topLogprobs = json.integer("top_logprobs");
        if (topLogprobs != null && topLogprobs < 0) {
            throw new InvalidRequestException("`top_logprobs` must be a positive value.", "top_logprobs");
        }
        if (topLogprobs != null && topLogprobs > 0 && !Boolean.TRUE.equals(logprobs)) {
            throw new InvalidRequestException("when using `top_logprobs`, `logprobs` must be set to true.", "top_logprobs");
        }
        if (topLogprobs != null && topLogprobs > SamplingParams.MAX_LOGPROBS) {
            throw new InvalidRequestException("Requested sample logprobs of " + topLogprobs
                    + ", which is greater than max allowed: " + SamplingParams.MAX_LOGPROBS, "top_logprobs");
        }
        List<Map<String, Object>> tools = Tools.read(json);
        ToolChoice toolChoice = toolChoice(json, tools);
        RequestJson kwargs = json.object("chat_template_kwargs");
        return new ChatCompletionRequest(messages(messageJson), json.string("model"), json.number("frequency_penalty"),
                json.numberMap("logit_bias"), logprobs, topLogprobs, json.integer("max_tokens"),
                json.integer("max_completion_tokens"), json.integer("n"), json.number("presence_penalty"),
                json.int64("seed"), json.stringOrList("stop"), json.bool("stream"), StreamOptions.read(json),
                json.number("temperature"), json.number("top_p"), tools, toolChoice, json.bool("parallel_tool_calls"),
                json.string("user"),
                json.integer("best_of"), json.integer("top_k"), json.number("min_p"), json.number("repetition_penalty"),
                json.intList("stop_token_ids"), json.bool("include_stop_str_in_output"), json.bool("ignore_eos"),
                json.integer("min_tokens"), json.bool("skip_special_tokens"), json.bool("spaces_between_special_tokens"),
                json.intList("allowed_token_ids"), json.bool("add_generation_prompt"),
                json.bool("continue_final_message"), json.string("chat_template"),
                kwargs == null ? null : JsonValues.toMap(kwargs.raw()), json.bool("include_reasoning"),
                CompletionRequest.promptLogprobs(json), json.bool("echo"), ResponseFormat.read(json),
                json.integer("thinking_token_budget"),
                StructuredOutputsParams.read(json));
    }

    public ChatCommand toCommand() {
        List<ChatMessage> domainMessages = messages.stream().map(ChatMessageParam::toDomain).toList();
        ChatRenderOptions render = new ChatRenderOptions(!Boolean.FALSE.equals(addGenerationPrompt),
                Boolean.TRUE.equals(continueFinalMessage), chatTemplateKwargs, tools, chatTemplate);
        Integer limit = maxCompletionTokens != null ? maxCompletionTokens : maxTokens;
        Integer reportedLogprobs = Boolean.TRUE.equals(logprobs) ? (topLogprobs == null ? 0 : topLogprobs) : null;
        return new ChatCommand(model, domainMessages, render,
                sampling().maxTokens(limit).logprobs(reportedLogprobs).promptLogprobs(promptLogprobs)
                        .thinkingTokenBudget(thinkingTokenBudget).build(),
                !Boolean.FALSE.equals(includeReasoning), toolChoice, !Boolean.FALSE.equals(parallelToolCalls));
    }

    /** Chat choices report exactly {@code top_logprobs} alternatives; null when logprobs are off. */
    public Integer reportedTopLogprobs() {
        return Boolean.TRUE.equals(logprobs) ? (topLogprobs == null ? 0 : topLogprobs) : null;
    }

    static List<ChatMessageParam> messages(List<RequestJson> json) {
        List<ChatMessageParam> messages = new ArrayList<>(json.size());
        for (RequestJson message : json) {
            messages.add(ChatMessageParam.read(message));
        }
        return messages;
    }

    /**
     * vLLM's reading of {@code tool_choice}: tools sent without one mean {@code "auto"}; any other
     * choice than {@code "none"} needs {@code tools}; {@code "required"} over an empty list is none.
     */
    private static ToolChoice toolChoice(RequestJson json, List<Map<String, Object>> tools) {
        JsonValue choice = json.value("tool_choice");
        boolean hasTools = tools != null && !tools.isEmpty();
        if (choice == null) {
            return hasTools ? ToolChoice.AUTO : ToolChoice.NONE;
        }
        if (choice instanceof JsonString s && s.getString().equals("none")) {
            return ToolChoice.NONE;
        }
        if (!(choice instanceof JsonString) && !(choice instanceof JsonObject)) {
            throw invalidToolChoice(choice.toString());
        }
        if (choice instanceof JsonString s && !List.of("auto", "required").contains(s.getString())) {
            throw invalidToolChoice(s.getString());
        }
        if (tools == null) {
            throw new InvalidRequestException("When using `tool_choice`, `tools` must be set.", "tool_choice");
        }
        if (choice instanceof JsonString s) {
            return s.getString().equals("auto") ? ToolChoice.AUTO : hasTools ? ToolChoice.REQUIRED : ToolChoice.NONE;
        }
        RequestJson named = json.object("tool_choice");
        RequestJson function = named.object("function");
        if (function == null) {
            throw named.missing("function");
        }
        String name = function.string("name");
        if (name == null || name.isEmpty()) {
            throw function.missing("name");
        }
        return new ToolChoice.Named(name);
    }

    private static InvalidRequestException invalidToolChoice(String choice) {
        return new InvalidRequestException("Invalid value for `tool_choice`: " + choice
                + "! Only named tools, \"none\", \"auto\" or \"required\" are supported.", "tool_choice");
    }
}
