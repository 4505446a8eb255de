package dev.vela.adapters.rest;

import dev.vela.adapters.rest.http.ClientDeparture;
import dev.vela.adapters.rest.wire.CompletionRequest;
import dev.vela.adapters.rest.wire.CompletionResponse;
import dev.vela.adapters.rest.wire.PromptLogprob;
import dev.vela.adapters.rest.wire.UsageInfo;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.application.port.in.TokenLogprob;
import dev.vela.domain.generation.Usage;
import jakarta.ws.rs.core.StreamingOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a completion's generation into vLLM's completions response, whole or as chunks. With
 * {@code echo} a choice's text (and, with {@code logprobs}, its logprobs) starts with its prompt.
 */
final class CompletionAnswer extends Answer {

    private static final String OBJECT = "text_completion";
    private final boolean echo;
    private final boolean echoOnly;
    private final boolean logprobs;
    private final List<ChoiceState> choices = new ArrayList<>();
    private final List<List<TokenLogprob>> promptLogprobs;

    /** What one choice has produced so far: its text and logprobs when answered whole, its length when streamed. */
    private static final class ChoiceState {
        final StringBuilder text = new StringBuilder();
        final List<TokenLogprob> tokens = new ArrayList<>();
        int streamedChars;
        boolean echoed;
        GenerationEvent.Finished finished;
    }

    CompletionAnswer(String model, CompletionRequest request, Generation generation, ClientDeparture departure) {
        super("cmpl-", model, generation, request.streamOptions(), departure);
        this.echo = Boolean.TRUE.equals(request.echo());
        this.echoOnly = request.echoOnly();
        this.logprobs = request.logprobs() != null;
        for (int i = 0; i < generation.prompts().size() * generation.choicesPerPrompt(); i++) {
            choices.add(new ChoiceState());
        }
        this.promptLogprobs = new ArrayList<>(java.util.Collections.nCopies(generation.prompts().size(), null));
    }

    /** The whole answer, once every choice has finished. */
    CompletionResponse body() {
        collect(this::record);
        List<CompletionResponse.Choice> list = new ArrayList<>(choices.size());
        for (int i = 0; i < choices.size(); i++) {
            ChoiceState choice = choices.get(i);
            Part part = part(i, choice.text.toString(), choice.tokens, 0);
            GenerationEvent.Finished finished = choice.finished;
            list.add(new CompletionResponse.Choice(i, part.text, part.logprobs, finished == null ? null : finished.reason().wireName(),
                    finished == null ? null : finished.stopReason(), promptLogprobsOf(i)));
        }
        return new CompletionResponse(id, OBJECT, created, model, list, usage(), null);
    }

    /**
     * vLLM does not stream a request whose best_of differs from n: the whole response goes out as
     * one event, then {@code [DONE]}.
     */
    StreamingOutput streamWhole(Duration writeTimeout) {
        return out -> {
            SseWriter sse = new SseWriter(out, writeTimeout, generation::cancel);
            sse.send(body());
            sse.done();
        };
    }

    private void record(GenerationEvent event) {
        switch (event) {
            case GenerationEvent.Delta d -> {
                if (!echoOnly) {
                    choices.get(d.choice()).text.append(d.text());
                    choices.get(d.choice()).tokens.addAll(d.logprobs());
                }
            }
            case GenerationEvent.Finished f -> choices.get(f.choice()).finished = f;
            case GenerationEvent.PromptLogprobs p -> promptLogprobs.set(promptOf(p.choice()), p.logprobs());
            case GenerationEvent.Failed f -> throw new IllegalStateException("failures end the answer before this");
        }
    }

    /** A choice's text and logprobs for one chunk (or the whole answer), its prompt first when echoing. */
    private record Part(String text, CompletionResponse.Logprobs logprobs) {
    }

    private Part part(int choice, String text, List<TokenLogprob> tokens, int offset) {
        ChoiceState state = choices.get(choice);
        List<TokenLogprob> scored = tokens;
        String shown = text;
        if (echo && !state.echoed) {
            state.echoed = true;
            shown = promptText(choice) + text;
            List<TokenLogprob> prompt = promptLogprobs.get(promptOf(choice));
            if (prompt != null) {
                scored = new ArrayList<>(prompt);
                scored.addAll(tokens);
            }
        }
        CompletionResponse.Logprobs lp = logprobs ? LogprobsFormat.completion(scored, offset) : null;
        return new Part(shown, lp);
    }

    @Override
    void start(SseWriter sse) {
    }

    @Override
    Object chunk(GenerationEvent event, UsageInfo usage) {
        return switch (event) {
            case GenerationEvent.PromptLogprobs p -> {
                promptLogprobs.set(promptOf(p.choice()), p.logprobs());
                yield null;
            }
            case GenerationEvent.Delta d -> {
                if (echoOnly || (d.text().isEmpty() && d.logprobs().isEmpty())) {
                    yield null;
                }
                yield streamed(d.choice(), d.text(), d.logprobs(), null, usage);
            }
            case GenerationEvent.Finished f -> streamed(f.choice(), "", List.of(), f, usage);
            case GenerationEvent.Failed f -> null;
        };
    }

    private CompletionResponse streamed(int choice, String text, List<TokenLogprob> tokens,
                                        GenerationEvent.Finished finished, UsageInfo usage) {
        ChoiceState state = choices.get(choice);
        Part part = part(choice, text, tokens, state.streamedChars);
        state.streamedChars += part.text.length();
        CompletionResponse.Choice wire = new CompletionResponse.Choice(choice, part.text, part.logprobs,
                finished == null ? null : finished.reason().wireName(), finished == null ? null : finished.stopReason(),
                finished == null ? null : promptLogprobsOf(choice));
        return new CompletionResponse(id, OBJECT, created, model, List.of(wire), usage, null);
    }

    @Override
    Object usageChunk(UsageInfo usage) {
        return new CompletionResponse(id, OBJECT, created, model, List.of(), usage, null);
    }

    @Override
    UsageInfo usage() {
        Usage usage = generation.usage();
        // With echo and max_tokens 0 the one generated token is thrown away: nothing was completed.
        return UsageInfo.of(echoOnly ? new Usage(usage.promptTokens(), 0) : usage);
    }

    private List<Map<String, PromptLogprob>> promptLogprobsOf(int choice) {
        List<TokenLogprob> prompt = promptLogprobs.get(promptOf(choice));
        return prompt == null ? null : LogprobsFormat.prompt(prompt);
    }

    private int promptOf(int choice) {
        return choice / generation.choicesPerPrompt();
    }

    private String promptText(int choice) {
        return generation.prompts().get(promptOf(choice)).text();
    }
}
