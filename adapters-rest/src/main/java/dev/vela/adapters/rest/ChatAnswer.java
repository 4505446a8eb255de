package dev.vela.adapters.rest;

import dev.vela.adapters.rest.http.ClientDeparture;
import dev.vela.adapters.rest.wire.ChatCompletionChunk;
import dev.vela.adapters.rest.wire.ChatCompletionResponse;
import dev.vela.adapters.rest.wire.ChatLogprobs;
import dev.vela.adapters.rest.wire.ChatToolCall;
import dev.vela.adapters.rest.wire.ChatToolCallDelta;
import dev.vela.adapters.rest.wire.StreamOptions;
import dev.vela.adapters.rest.wire.UsageInfo;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.application.port.in.TokenLogprob;
import dev.vela.domain.reasoning.ReasoningSplit;
import dev.vela.domain.tools.ParsedToolCalls;
import dev.vela.domain.tools.ToolCallPiece;
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
            ChatLogprobs lp = logprobs ? new ChatLogprobs(LogprobsFormat.chat(tokens[i])) : null;
            list.add(new ChatCompletionResponse.Choice(i, message(texts[i].toString(), finished[i]), lp,
                    finished[i] == null ? null : finished[i].reason().wireName(),
                    finished[i] == null ? null : finished[i].stopReason()));
        }
        return new ChatCompletionResponse(id, "chat.completion", created, model, list, usage(),
                prompt.isEmpty() ? null : LogprobsFormat.prompt(prompt.getFirst()));
    }

    /** A choice's whole message: its reasoning split and its calls, where the server reads them. */
    private static ChatCompletionResponse.Message message(String text, GenerationEvent.Finished finished) {
        ReasoningSplit split = finished == null ? null : finished.reasoning();
        ParsedToolCalls calls = finished == null ? null : finished.toolCalls();
        String content = calls != null ? calls.content() : split != null ? split.content() : text;
        List<ChatToolCall> toolCalls = calls == null ? List.of() : calls.calls().stream()
                .map(call -> new ChatToolCall(call.id(), call.type(), new ChatToolCall.Function(call.functionName(), call.arguments())))
                .toList();
        return new ChatCompletionResponse.Message(ROLE, content, split == null ? null : split.reasoning(), toolCalls);
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
                ChatCompletionChunk.Delta delta = d.toolCalls() != null ? withToolCalls(d)
                        : d.reasoning() != null
                        ? new ChatCompletionChunk.Delta(null, d.reasoning().content(), d.reasoning().reasoning())
                        : new ChatCompletionChunk.Delta(null, d.text().isEmpty() ? null : d.text(), null);
                if (delta.content() == null && delta.reasoningContent() == null && delta.toolCalls() == null
                        && d.logprobs().isEmpty()) {
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

    /**
     * A delta whose content was read for calls: the text it completes, and its call pieces, a call's
     * start and the arguments that follow it in the same delta making one entry.
     */
    private static ChatCompletionChunk.Delta withToolCalls(GenerationEvent.Delta d) {
        StringBuilder content = new StringBuilder();
        List<ChatToolCallDelta> calls = new ArrayList<>();
        for (ToolCallPiece piece : d.toolCalls()) {
            switch (piece) {
                case ToolCallPiece.Content c -> content.append(c.text());
                case ToolCallPiece.CallStart start -> calls.add(new ChatToolCallDelta(start.index(), start.id(), "function",
                        new ChatToolCallDelta.Function(start.name(), "")));
                case ToolCallPiece.Arguments a -> {
                    ChatToolCallDelta last = calls.isEmpty() ? null : calls.getLast();
                    if (last != null && last.index() == a.index()) {
                        calls.set(calls.size() - 1, new ChatToolCallDelta(last.index(), last.id(), last.type(),
                                new ChatToolCallDelta.Function(last.function().name(), last.function().arguments() + a.text())));
                    } else {
                        calls.add(new ChatToolCallDelta(a.index(), null, null, new ChatToolCallDelta.Function(null, a.text())));
                    }
                }
            }
        }
        String reasoning = d.reasoning() == null ? null : d.reasoning().reasoning();
        return new ChatCompletionChunk.Delta(null, content.isEmpty() ? null : content.toString(), reasoning,
                calls.isEmpty() ? null : calls);
    }

    @Override
    Object usageChunk(UsageInfo usage) {
        return new ChatCompletionChunk(id, "chat.completion.chunk", created, model, List.of(), usage);
    }

    private ChatCompletionChunk chunk(ChatCompletionChunk.Choice choice, UsageInfo usage) {
        return new ChatCompletionChunk(id, "chat.completion.chunk", created, model, List.of(choice), usage);
    }
}
