package dev.vela.application.port.in;

import java.util.List;

/**
 * Token ids as {@code POST /tokenize} answers them.
 *
 * @param tokens      the ids
 * @param tokenStrs   each id's token string, or null when they were not asked for
 * @param maxModelLen the served context length, so clients can check their prompt fits
 */
public record Tokenized(int[] tokens, List<String> tokenStrs, int maxModelLen) {

    public Tokenized {
        tokens = tokens.clone();
        tokenStrs = tokenStrs == null ? null : List.copyOf(tokenStrs);
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }
}
