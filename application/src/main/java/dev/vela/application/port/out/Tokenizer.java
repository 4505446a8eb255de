package dev.vela.application.port.out;

/** Turns text into the model's token ids and back. */
public interface Tokenizer {

    /**
     * Encodes text. With {@code addSpecialTokens} the tokenizer's post-processor adds what the model
     * expects around a prompt (BOS for DeepSeek-R1-Distill), as {@code transformers} does.
     */
    int[] encode(String text, boolean addSpecialTokens);

    /** Decodes ids to text; special tokens are dropped when {@code skipSpecialTokens}. */
    String decode(int[] ids, boolean skipSpecialTokens);

    /**
     * The bytes one token stands for. A byte-level token may hold part of a UTF-8 character, so
     * callers join bytes before turning them into text. Ids the tokenizer does not know give no bytes.
     */
    byte[] tokenBytes(int id);

    /** The token's vocabulary string ({@code "Ġworld"}, or an added token's content); null for an unknown id. */
    String tokenString(int id);

    /** True for the tokenizer's special tokens (those {@code skip_special_tokens} removes). */
    boolean isSpecial(int id);

    /** How many ids the tokenizer knows (the model's vocabulary may have more rows). */
    int size();
}
