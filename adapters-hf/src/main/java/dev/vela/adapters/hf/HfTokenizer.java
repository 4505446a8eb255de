package dev.vela.adapters.hf;

import ai.djl.engine.EngineException;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.vela.application.port.out.Tokenizer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * A {@link Tokenizer} over a Hugging Face {@code tokenizer.json}: encoding and decoding run in the
 * Hugging Face tokenizers library itself (Rust, through DJL), so ids are exactly what
 * {@code transformers} and vLLM produce; each token's string and bytes are read from the file at load.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {

    /**
     * DJL truncates every encoding to 512 tokens and pads by default; a prompt must come back whole,
     * and its length is checked against max-model-len by the application, not here.
     */
    private static final Map<String, String> WHOLE_TEXT = Map.of("truncation", "false", "padding", "false");

    private final HuggingFaceTokenizer library;
    private final Vocabulary vocabulary;

    private HfTokenizer(HuggingFaceTokenizer library, Vocabulary vocabulary) {
        this.library = library;
        this.vocabulary = vocabulary;
    }

    /**
     * Loads {@code tokenizer.json}.
     *
     * @throws ModelDirectoryException when the file is missing, not JSON, or not a byte-level BPE tokenizer
     */
    public static HfTokenizer load(Path tokenizerJson) {
        Vocabulary vocabulary = Vocabulary.read(JsonFile.read(tokenizerJson));
        return new HfTokenizer(openInLibrary(tokenizerJson), vocabulary);
    }

    private static HuggingFaceTokenizer openInLibrary(Path tokenizerJson) {
        // The jar bundles the CPU build of the native library. Without offline mode DJL would try to
        // download a CUDA build on GPU hosts, and query the EC2 metadata service on every load.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        try {
            return HuggingFaceTokenizer.newInstance(tokenizerJson, WHOLE_TEXT);
        } catch (EngineException e) {
            throw new IllegalStateException("the Hugging Face tokenizers native library (DJL) did not load: "
                    + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")"), e);
        } catch (IOException | RuntimeException e) {
            throw new ModelDirectoryException(tokenizerJson.getFileName()
                    + ": the Hugging Face tokenizers library rejected it (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public int[] encode(String text, boolean addSpecialTokens) {
        long[] ids = library.encode(text, addSpecialTokens, false).getIds();
        return Arrays.stream(ids).mapToInt(Math::toIntExact).toArray();
    }

    @Override
    public String decode(int[] ids, boolean skipSpecialTokens) {
        return library.decode(Arrays.stream(ids).asLongStream().toArray(), skipSpecialTokens);
    }

    @Override
    public byte[] tokenBytes(int id) {
        return vocabulary.bytes(id);
    }

    @Override
    public String tokenString(int id) {
        return vocabulary.string(id);
    }

    @Override
    public boolean isSpecial(int id) {
        return vocabulary.isSpecial(id);
    }

    @Override
    public int size() {
        return vocabulary.size();
    }

    /** Frees the native tokenizer. */
    @Override
    public void close() {
        library.close();
    }
}
