package dev.vela.adapters.rest.wire;

import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.sampling.SamplingParams;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sampling fields completions and chat requests share. Both request records implement it
 * through their components, so one method turns either into {@link SamplingParams}.
 */
interface SamplingFields {

    Integer n();

    Integer bestOf();

    Double temperature();

    Double topP();

    Integer topK();

    Double minP();

    Double presencePenalty();

    Double frequencyPenalty();

    Double repetitionPenalty();

    Long seed();

    List<String> stop();

    List<Integer> stopTokenIds();

    Boolean includeStopStrInOutput();

    Boolean ignoreEos();

    Integer minTokens();

    Map<String, Double> logitBias();

    List<Integer> allowedTokenIds();

    Boolean skipSpecialTokens();

    Boolean spacesBetweenSpecialTokens();

    Boolean stream();

    StreamOptions streamOptions();

    ResponseFormat responseFormat();

    StructuredOutputsParams structuredOutputs();

    /** The fields as sampling parameters (validated), without the endpoint-specific ones. */
    default SamplingParams.Builder sampling() {
        return SamplingParams.builder()
                .n(n() == null ? 1 : n())
                .bestOf(bestOf())
                .temperature(temperature())
                .topP(topP())
                .topK(topK())
                .minP(minP())
                .presencePenalty(presencePenalty() == null ? 0.0 : presencePenalty())
                .frequencyPenalty(frequencyPenalty() == null ? 0.0 : frequencyPenalty())
                .repetitionPenalty(repetitionPenalty())
                .seed(seed())
                .stop(stop() == null ? List.of() : stop())
                .stopTokenIds(stopTokenIds() == null ? List.of() : stopTokenIds())
                .includeStopStrInOutput(Boolean.TRUE.equals(includeStopStrInOutput()))
                .ignoreEos(Boolean.TRUE.equals(ignoreEos()))
                .minTokens(minTokens() == null ? 0 : minTokens())
                .logitBias(tokenIds(logitBias()))
                .allowedTokenIds(allowedTokenIds())
                .skipSpecialTokens(!Boolean.FALSE.equals(skipSpecialTokens()))
                .spacesBetweenSpecialTokens(!Boolean.FALSE.equals(spacesBetweenSpecialTokens()))
                .structuredOutput(StructuredOutputsParams.constraint(structuredOutputs(), responseFormat()));
    }

    /** True when the answer is to be streamed. */
    default boolean streaming() {
        return Boolean.TRUE.equals(stream());
    }

    /** Checks {@code stream_options} against {@code stream}, as vLLM's request validator does. */
    static void checkStreamOptions(RequestJson json) {
        if (json.has("stream_options") && !json.bool("stream", false)) {
            throw new InvalidRequestException("Stream options can only be defined when `stream=True`.", "stream_options");
        }
    }

    private static Map<Integer, Double> tokenIds(Map<String, Double> bias) {
        if (bias == null) {
            return Map.of();
        }
        Map<Integer, Double> byId = new LinkedHashMap<>();
        List<String> bad = new ArrayList<>();
        bias.forEach((key, value) -> {
            try {
                byId.put(Integer.parseInt(key.strip()), value);
            } catch (NumberFormatException e) {
                bad.add("'" + key + "'");
            }
        });
        if (!bad.isEmpty()) {
            throw new InvalidRequestException("logit_bias contains key(s) that cannot be converted to integer token IDs: "
                    + bad, "logit_bias");
        }
        return byId;
    }
}
