package dev.vela.adapters.rest;

import dev.vela.adapters.rest.wire.ChatLogprobs;
import dev.vela.adapters.rest.wire.CompletionResponse;
import dev.vela.adapters.rest.wire.PromptLogprob;
import dev.vela.application.port.in.TokenLogprob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes token log-probabilities in the two OpenAI formats. */
final class LogprobsFormat {

    private LogprobsFormat() {
    }

    /**
     * The legacy completions format. Each position's {@code top_logprobs} holds the requested
     * alternatives plus the sampled token (so up to n + 1 entries, as vLLM reports them).
     *
     * @param textOffset the offset of the first token's text in the choice's text
     */
    static CompletionResponse.Logprobs completion(List<TokenLogprob> tokens, int textOffset) {
        List<Integer> offsets = new ArrayList<>(tokens.size());
        List<Float> values = new ArrayList<>(tokens.size());
        List<String> texts = new ArrayList<>(tokens.size());
        List<Map<String, Float>> top = new ArrayList<>(tokens.size());
        int offset = textOffset;
        for (TokenLogprob token : tokens) {
            offsets.add(offset);
            offset += token.token().length();
            texts.add(token.token());
            if (!token.scored()) {                  // a prompt's first token: nothing predicts it
                values.add(null);
                top.add(null);
                continue;
            }
            values.add(token.logprob());
            Map<String, Float> alternatives = new LinkedHashMap<>();
            for (TokenLogprob.Candidate candidate : token.top()) {
                alternatives.putIfAbsent(candidate.token(), candidate.logprob());
            }
            alternatives.putIfAbsent(token.token(), token.logprob());
            top.add(alternatives);
        }
        return new CompletionResponse.Logprobs(offsets, values, texts, top);
    }

    /**
     * vLLM's {@code prompt_logprobs}: per prompt position null (the first) or a map from token id
     * to logprob, rank and text, holding the prompt's own token and the top alternatives.
     */
    static List<Map<String, PromptLogprob>> prompt(List<TokenLogprob> tokens) {
        List<Map<String, PromptLogprob>> positions = new ArrayList<>(tokens.size());
        for (TokenLogprob token : tokens) {
            if (!token.scored()) {
                positions.add(null);
                continue;
            }
            Map<String, PromptLogprob> entries = new LinkedHashMap<>();
            entries.put(String.valueOf(token.tokenId()), new PromptLogprob(token.logprob(), token.rank(), token.token()));
            for (TokenLogprob.Candidate candidate : token.top()) {
                entries.putIfAbsent(String.valueOf(candidate.tokenId()),
                        new PromptLogprob(candidate.logprob(), candidate.rank(), candidate.token()));
            }
            positions.add(entries);
        }
        return positions;
    }

    /** The chat format; {@code top} holds exactly the requested number of alternatives. */
    static List<ChatLogprobs.Entry> chat(List<TokenLogprob> tokens) {
        List<ChatLogprobs.Entry> entries = new ArrayList<>(tokens.size());
        for (TokenLogprob token : tokens) {
            List<ChatLogprobs.Top> top = new ArrayList<>(token.top().size());
            for (TokenLogprob.Candidate candidate : token.top()) {
                top.add(new ChatLogprobs.Top(candidate.token(), candidate.logprob(), bytes(candidate.bytes())));
            }
            entries.add(new ChatLogprobs.Entry(token.token(), token.logprob(), bytes(token.bytes()), top));
        }
        return entries;
    }

    private static List<Integer> bytes(byte[] bytes) {
        List<Integer> list = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            list.add(b & 0xFF);
        }
        return list;
    }
}
