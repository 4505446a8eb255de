package dev.vela.adapters.rest.wire;

import dev.vela.application.port.in.CompletionCommand;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.prompt.Prompt;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The body of {@code POST /v1/completions}: OpenAI's fields plus vLLM's extras. Unknown fields are
 * accepted and ignored, as vLLM does.
 */
@Schema(name = "CompletionRequest", description = "OpenAI completions request, with vLLM's extra sampling fields")
public record CompletionRequest(
        @Schema(description = "served model name; omit or leave empty for the served model",
                example = "DeepSeek-R1-Distill-Qwen-32B") String model,
        @Schema(required = true, description = "a string, a list of strings, a list of token ids or a list of lists of token ids",
                oneOf = {String.class, String[].class, Integer[].class, Integer[][].class},
                example = "San Francisco is a") Object prompt,
        @Schema(description = "generate best_of sequences and return the n with the highest cumulative log-probability")
        Integer bestOf,
        @Schema(description = "prepend the prompt to each choice's text", defaultValue = "false") Boolean echo,
        @Schema(description = "in [-2, 2]; penalises tokens by how often they occurred", defaultValue = "0") Double frequencyPenalty,
        @Schema(description = "token id (as a string) to a bias in [-100, 100] added to its logit") Map<String, Double> logitBias,
        @Schema(description = "number of most likely tokens to report per position (0-20)") Integer logprobs,
        @Schema(description = "tokens to generate at most", defaultValue = "16") Integer maxTokens,
        @Schema(description = "choices per prompt", defaultValue = "1") Integer n,
        @Schema(description = "in [-2, 2]; penalises tokens that occurred at all", defaultValue = "0") Double presencePenalty,
        @Schema(description = "seed of the request's random generator; the same seed gives the same text") Long seed,
        @Schema(description = "a string or a list of strings that end the completion (not included in the text)",
                oneOf = {String.class, String[].class}) List<String> stop,
        @Schema(description = "stream the answer as server-sent events", defaultValue = "false") Boolean stream,
        StreamOptions streamOptions,
        @Schema(description = "not supported; sending it is an error") String suffix,
        @Schema(description = "in [0, 2]; 0 is greedy; default from the model's generation_config.json")
        Double temperature,
        @Schema(description = "in (0, 1]; nucleus sampling; default from the model's generation_config.json") Double topP,
        @Schema(description = "ignored") String user,
        @Schema(description = "vLLM: keep the k most likely tokens; 0 or -1 disables") Integer topK,
        @Schema(description = "vLLM: drop tokens less likely than min_p times the most likely") Double minP,
        @Schema(description = "vLLM: > 0; 1 disables; penalises tokens of prompt and output") Double repetitionPenalty,
        @Schema(description = "vLLM: token ids that end the completion") List<Integer> stopTokenIds,
        @Schema(description = "vLLM: keep the stop string in the text", defaultValue = "false") Boolean includeStopStrInOutput,
        @Schema(description = "vLLM: keep generating after EOS", defaultValue = "false") Boolean ignoreEos,
        @Schema(description = "vLLM: tokens to generate before EOS or stop may end it", defaultValue = "0") Integer minTokens,
        @Schema(description = "vLLM: leave special tokens out of the text", defaultValue = "true") Boolean skipSpecialTokens,
        @Schema(description = "vLLM: put spaces between special tokens", defaultValue = "true") Boolean spacesBetweenSpecialTokens,
        @Schema(description = "vLLM: only these token ids may be generated") List<Integer> allowedTokenIds,
        @Schema(description = "vLLM: log-probabilities of the prompt's own tokens, with this many alternatives (0-20); "
                + "not with stream") Integer promptLogprobs,
        ResponseFormat responseFormat,
        @Schema(description = "vLLM: what the answer must match; guided_json, guided_regex, guided_choice, "
                + "guided_grammar and guided_whitespace_pattern are read into it") StructuredOutputsParams structuredOutputs,
        @Schema(hidden = true) List<Prompt> prompts)
        implements SamplingFields {

    private static final BigInteger MAX_ID = BigInteger.valueOf(Integer.MAX_VALUE);

    /** Reads and checks a request body. */
    public static CompletionRequest read(RequestJson json) {
        if (!json.has("prompt")) {
            throw new InvalidRequestException("At least one of `prompt` or `prompt_embeds` must be set.", "prompt");
        }
        SamplingFields.checkStreamOptions(json);
        Integer logprobs = json.integer("logprobs");
        if (logprobs != null && logprobs < 0) {
            throw new InvalidRequestException("`logprobs` must be a positive value.", "logprobs");
        }
        Integer promptLogprobs = promptLogprobs(json);
        return new CompletionRequest(json.string("model"), json.value("prompt"), json.integer("best_of"),
                json.bool("echo"), json.number("frequency_penalty"), json.numberMap("logit_bias"), logprobs,
                json.integer("max_tokens"), json.integer("n"), json.number("presence_penalty"), json.int64("seed"),
                json.stringOrList("stop"), json.bool("stream"), StreamOptions.read(json), json.string("suffix"),
                json.number("temperature"), json.number("top_p"), json.string("user"), json.integer("top_k"),
                json.number("min_p"), json.number("repetition_penalty"), json.intList("stop_token_ids"),
                json.bool("include_stop_str_in_output"), json.bool("ignore_eos"), json.integer("min_tokens"),
                json.bool("skip_special_tokens"), json.bool("spaces_between_special_tokens"),
                json.intList("allowed_token_ids"), promptLogprobs, ResponseFormat.read(json),
                StructuredOutputsParams.read(json), prompts(json));
    }

    /** {@code prompt_logprobs}, checked as vLLM's request validator does (shared with chat). */
    static Integer promptLogprobs(RequestJson json) {
        Integer promptLogprobs = json.integer("prompt_logprobs");
        if (promptLogprobs != null && json.bool("stream", false)) {
            throw new InvalidRequestException("`prompt_logprobs` are not available when `stream=True`.", "prompt_logprobs");
        }
        if (promptLogprobs != null && promptLogprobs < 0 && promptLogprobs != -1) {
            throw new InvalidRequestException("`prompt_logprobs` must be a positive value.", "prompt_logprobs");
        }
        return promptLogprobs;
    }

    /**
     * {@code echo} with {@code max_tokens: 0} asks for the prompt alone (with its logprobs), as
     * evaluation harnesses do to score a text; one token is generated and thrown away.
     */
    public boolean echoOnly() {
        return Boolean.TRUE.equals(echo) && maxTokens != null && maxTokens == 0;
    }

    public CompletionCommand toCommand() {
        Integer scoredPrompt = promptLogprobs != null ? promptLogprobs
                : Boolean.TRUE.equals(echo) && logprobs != null ? logprobs : null;
        return new CompletionCommand(model, prompts(), sampling()
                .maxTokens(echoOnly() ? Integer.valueOf(1) : maxTokens)
                .logprobs(logprobs)
                .promptLogprobs(scoredPrompt)
                .build(), Boolean.TRUE.equals(echo), suffix);
    }

    private static List<Prompt> prompts(RequestJson json) {
        JsonValue value = json.value("prompt");
        if (value instanceof JsonString text) {
            return List.of(Prompt.text(text.getString()));
        }
        if (value instanceof JsonArray array) {
            if (array.isEmpty()) {
                throw new InvalidRequestException("The decoder prompt cannot be empty", "prompt");
            }
            if (array.stream().allMatch(v -> v instanceof JsonNumber)) {
                return List.of(Prompt.tokens(ids(json, "prompt", array)));
            }
            List<Prompt> prompts = new ArrayList<>(array.size());
            for (int i = 0; i < array.size(); i++) {
                JsonValue item = array.get(i);
                if (item instanceof JsonString text) {
                    prompts.add(Prompt.text(text.getString()));
                } else if (item instanceof JsonArray ids) {
                    prompts.add(Prompt.tokens(ids(json, "prompt." + i, ids)));
                } else {
                    throw json.invalid("prompt." + i, "Input should be a valid string or a list of token ids",
                            "string_type", item);
                }
            }
            return prompts;
        }
        throw json.invalid("prompt", "Input should be a valid string or a list", "string_type", value);
    }

    private static int[] ids(RequestJson json, String field, JsonArray array) {
        int[] ids = new int[array.size()];
        for (int i = 0; i < ids.length; i++) {
            if (!(array.get(i) instanceof JsonNumber n) || !n.isIntegral()) {
                throw json.invalid(field + "." + i, "Input should be a valid integer", "int_type", array.get(i));
            }
            BigInteger id = n.bigIntegerValue();
            if (id.signum() < 0 || id.compareTo(MAX_ID) > 0) {
                String shown = id.toString();
                throw new InvalidRequestException("Token id " + (shown.length() > 24 ? shown.substring(0, 21) + "..." : shown)
                        + " is out of vocabulary", "prompt");
            }
            ids[i] = id.intValueExact();
        }
        return ids;
    }
}
