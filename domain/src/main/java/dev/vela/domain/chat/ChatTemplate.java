package dev.vela.domain.chat;

/**
 * A chat template as a value: its Jinja source and the text of the special tokens the template
 * refers to as {@code bos_token} and {@code eos_token}.
 */
public record ChatTemplate(String source, String bosToken, String eosToken) {

    public ChatTemplate {
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("a chat template needs a source");
        }
        bosToken = bosToken == null ? "" : bosToken;
        eosToken = eosToken == null ? "" : eosToken;
    }

    /** The same special tokens with another source, for a request that brings its own template. */
    public ChatTemplate withSource(String otherSource) {
        return new ChatTemplate(otherSource, bosToken, eosToken);
    }
}
