package dev.vela.adapters.rest;

import dev.vela.adapters.rest.wire.CompletionRequest;
import dev.vela.adapters.rest.wire.CompletionResponse;
import dev.vela.adapters.rest.wire.UsageInfo;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.application.port.in.TokenLogprob;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Turns a completion's generation into vLLM's completions response, whole or as chunks. */
final class CompletionAnswer extends Answer {

    private static final String OBJECT = "text_completion";
    private final boolean echo;
    private final boolean logprobs;
    private final boolean[] echoed;
    private final int[] textLength;

    CompletionAnswer(String model, CompletionRequest request, Generation generation) {
        super("cmpl-", model, generation, request.streamOptions());
        this.echo = Boolean.TRUE.equals(request.echo());
        this.logprobs = request.logprobs() != null;
        int choices = generation.prompts().size() * generation.choicesPerPrompt();
        this.echoed = new boolean[choices];
        this.textLength = new int[choices];
    }

    /** The whole answer, once every choice has finished. */
    CompletionResponse body() {
        int choices = echoed.length;
        StringBuilder[] texts = filled(new StringBuilder[choices], i -> new StringBuilder(echo ? promptText(i) : ""));
        @SuppressWarnings("unchecked")
        List<TokenLogprob>[] tokens = filled(new List[choices], i -> new ArrayList<TokenLogprob>());
        GenerationEvent.Finished[] finished = new GenerationEvent.Finished[choices];
        collect(event -> {
            switch (event) {
                case GenerationEvent.Delta d -> {
                    texts[d.choice()].append(d.text());
                    tokens[d.choice()].addAll(d.logprobs());
                }
                case GenerationEvent.Finished f -> finished[f.choice()] = f;
                case GenerationEvent.Failed f -> throw new IllegalStateException("handled by collect");
            }
        });
        List<CompletionResponse.Choice> list = new ArrayList<>(choices);
        for (int i = 0; i < choices; i++) {
            CompletionResponse.Logprobs lp = logprobs
                    ? LogprobsFormat.completion(tokens[i], echo ? promptText(i).length() : 0) : null;
            list.add(new CompletionResponse.Choice(i, texts[i].toString(), lp, finishReason(finished[i]),
                    finished[i] == null ? null : finished[i].stopReason(), null));
        }
        return new CompletionResponse(id, OBJECT, created, model, list, usage(), null);
    }

    @Override
    void start(SseWriter sse) {
    }

    @Override
    Object chunk(GenerationEvent event, UsageInfo usage) {
        return switch (event) {
            case GenerationEvent.Delta d -> {
                if (d.text().isEmpty() && d.logprobs().isEmpty()) {
                    yield null;
                }
                String text = withEcho(d.choice(), d.text());
                CompletionResponse.Logprobs lp = logprobs
                        ? LogprobsFormat.completion(d.logprobs(), textLength[d.choice()] + text.length() - d.text().length())
                        : null;
                textLength[d.choice()] += text.length();
                yield response(new CompletionResponse.Choice(d.choice(), text, lp, null, null, null), usage);
            }
            case GenerationEvent.Finished f -> response(new CompletionResponse.Choice(f.choice(), withEcho(f.choice(), ""),
                    null, finishReason(f), f.stopReason(), null), usage);
            case GenerationEvent.Failed f -> null;
        };
    }

    @Override
    Object usageChunk(UsageInfo usage) {
        return new CompletionResponse(id, OBJECT, created, model, List.of(), usage, null);
    }

    private CompletionResponse response(CompletionResponse.Choice choice, UsageInfo usage) {
        return new CompletionResponse(id, OBJECT, created, model, List.of(choice), usage, null);
    }

    /** With echo, a choice's first chunk starts with its prompt. */
    private String withEcho(int choice, String text) {
        if (!echo || echoed[choice]) {
            return text;
        }
        echoed[choice] = true;
        return promptText(choice) + text;
    }

    private String promptText(int choice) {
        return generation.prompts().get(choice / generation.choicesPerPrompt()).text();
    }

    private static String finishReason(GenerationEvent.Finished finished) {
        return finished == null ? null : finished.reason().wireName();
    }
}
