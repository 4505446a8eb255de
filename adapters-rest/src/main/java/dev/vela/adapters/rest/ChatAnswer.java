package dev.vela.adapters.rest;

import dev.vela.adapters.rest.http.ClientDeparture;
import dev.vela.adapters.rest.wire.ChatCompletionChunk;
import dev.vela.adapters.rest.wire.ChatCompletionResponse;
import dev.vela.adapters.rest.wire.ChatLogprobs;
import dev.vela.adapters.rest.wire.StreamOptions;
import dev.vela.adapters.rest.wire.UsageInfo;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.application.port.in.TokenLogprob;
import dev.vela.domain.reasoning.ReasoningSplit;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Turns a chat generation into vLLM's chat completions response, whole or as chunks. */
final class ChatAnswer extends Answer {

    private static final String ROLE = "assistant";
    private final boolean logprobs;

    ChatAnswer(String model, boolean logprobs, StreamOptions streamOptions, Generation generation, ClientDeparture departure) {
        super("chatcmpl-", model, generation, streamOptions, departure);
        this.logprobs = logprobs;
    }

    /** The whole answer, once every choice has finished. */
    ChatCompletionResponse body() {
        int choices = generation.choicesPerPrompt();
        StringBuilder[] texts = filled(new StringBuilder[choices], i -> new StringBuilder());
        @SuppressWarnings("unchecked")
        List<TokenLogprob>[] tokens = filled(new List[choices], i -> new ArrayList<TokenLogprob>());
        GenerationEvent.Finished[] finished = new GenerationEvent.Finished[choices];
        List<List<TokenLogprob>> prompt = new ArrayList<>(1);
        collect(event -> {
            switch (event) {
                case GenerationEvent.Delta d -> {
                    texts[d.choice()].append(d.text());
                    tokens[d.choice()].addAll(d.logprobs());
                }
                case GenerationEvent.Finished f -> finished[f.choice()] = f;
                case GenerationEvent.PromptLogprobs p -> prompt.add(p.logprobs());
                case GenerationEvent.Failed f -> throw new IllegalStateException("failures end the answer before this");
            }
        });
        List<ChatCompletionResponse.Choice> list = new ArrayList<>(choices);
        for (int i = 0; i < choices; i++) {
            ReasoningSplit split = finished[i] == null ? null : finished[i].reasoning();
            ChatCompletionResponse.Message message = split == null
                    ? new ChatCompletionResponse.Message(ROLE, texts[i].toString(), null, List.of())
                    : new ChatCompletionResponse.Message(ROLE, split.content(), split.reasoning(), List.of());
            ChatLogprobs lp = logprobs ? new ChatLogprobs(LogprobsFormat.chat(tokens[i])) : null;
            list.add(new ChatCompletionResponse.Choice(i, message, lp,
                    finished[i] == null ? null : finished[i].reason().wireName(),
                    finished[i] == null ? null : finished[i].stopReason()));
        }
        return new ChatCompletionResponse(id, "chat.completion", created, model, list, usage(),
                prompt.isEmpty() ? null : LogprobsFormat.prompt(prompt.getFirst()));
    }

    @Override
    void start(SseWriter sse) throws IOException {
        for (int i = 0; i < generation.choicesPerPrompt(); i++) {
            sse.send(chunk(new ChatCompletionChunk.Choice(i, new ChatCompletionChunk.Delta(ROLE, "", null), null, null, null), null));
        }
    }

    @Override
    Object chunk(GenerationEvent event, UsageInfo usage) {
        return switch (event) {
            case GenerationEvent.Delta d -> {
                ChatCompletionChunk.Delta delta = d.reasoning() != null
                        ? new ChatCompletionChunk.Delta(null, d.reasoning().content(), d.reasoning().reasoning())
                        : new ChatCompletionChunk.Delta(null, d.text().isEmpty() ? null : d.text(), null);
                if (delta.content() == null && delta.reasoningContent() == null && d.logprobs().isEmpty()) {
                    yield null;                 // nothing to show: held-back text, or only a reasoning marker
                }
                ChatLogprobs lp = logprobs ? new ChatLogprobs(LogprobsFormat.chat(d.logprobs())) : null;
                yield chunk(new ChatCompletionChunk.Choice(d.choice(), delta, lp, null, null), usage);
            }
            case GenerationEvent.Finished f -> chunk(new ChatCompletionChunk.Choice(f.choice(), ChatCompletionChunk.Delta.EMPTY,
                    null, f.reason().wireName(), f.stopReason()), usage);
            case GenerationEvent.PromptLogprobs p -> null;     // prompt_logprobs cannot be streamed
            case GenerationEvent.Failed f -> null;
        };
    }

    @Override
    Object usageChunk(UsageInfo usage) {
        return new ChatCompletionChunk(id, "chat.completion.chunk", created, model, List.of(), usage);
    }

    private ChatCompletionChunk chunk(ChatCompletionChunk.Choice choice, UsageInfo usage) {
        return new ChatCompletionChunk(id, "chat.completion.chunk", created, model, List.of(choice), usage);
    }
}
