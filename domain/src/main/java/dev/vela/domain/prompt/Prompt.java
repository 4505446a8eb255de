package dev.vela.domain.prompt;

import java.util.Arrays;

/** What a completion continues: text to tokenize, or token ids given by the client. */
public sealed interface Prompt {

    /** A prompt given as text; the tokenizer adds its special tokens (BOS). */
    record Text(String text) implements Prompt {
        public Text {
            if (text == null) {
                throw new IllegalArgumentException("text must not be null");
            }
        }
    }

    /** A prompt given as token ids; used as they are. */
    record Tokens(int[] ids) implements Prompt {
        public Tokens {
            ids = ids.clone();
        }

        @Override
        public int[] ids() {
            return ids.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tokens other && Arrays.equals(ids, other.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }

        @Override
        public String toString() {
            return "Tokens" + Arrays.toString(ids);
        }
    }

    static Prompt text(String text) {
        return new Text(text);
    }

    static Prompt tokens(int... ids) {
        return new Tokens(ids);
    }
}
