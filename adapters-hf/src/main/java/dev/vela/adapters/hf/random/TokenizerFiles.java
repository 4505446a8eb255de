package dev.vela.adapters.hf.random;

import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import jakarta.json.stream.JsonGeneratorFactory;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code tokenizer.json} and {@code tokenizer_config.json} in DeepSeek-R1-Distill-Qwen's
 * format: Qwen2's byte-level BPE pipeline over a given vocabulary (a learned one or Qwen2's own),
 * R1-Distill's added tokens right after it, a post-processor that prepends BOS, and the R1-Distill
 * chat template verbatim.
 */
final class TokenizerFiles {

    private static final JsonGeneratorFactory JSON =
            Json.createGeneratorFactory(Map.of(JsonGenerator.PRETTY_PRINTING, true));

    private final BpeVocabulary vocabulary;
    private final int addedBase;

    TokenizerFiles(BpeVocabulary vocabulary) {
        this.vocabulary = vocabulary;
        this.addedBase = vocabulary.tokens().size();
    }

    /** How many ids the tokenizer knows, added tokens included. */
    int size() {
        return addedBase + R1DistillTokens.ALL.size();
    }

    int idOf(String addedToken) {
        return addedBase + R1DistillTokens.indexOf(addedToken);
    }

    void writeTokenizerJson(Path file) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.write("version", "1.0");
            g.writeNull("truncation");
            g.writeNull("padding");
            g.writeStartArray("added_tokens");
            List<R1DistillTokens.AddedToken> added = R1DistillTokens.ALL;
            for (int i = 0; i < added.size(); i++) {
                g.writeStartObject()
                        .write("id", addedBase + i)
                        .write("content", added.get(i).content())
                        .write("single_word", false)
                        .write("lstrip", false)
                        .write("rstrip", false)
                        .write("normalized", !added.get(i).special())
                        .write("special", added.get(i).special())
                        .writeEnd();
            }
            g.writeEnd();
            g.writeStartObject("normalizer").write("type", "NFC").writeEnd();
            g.writeStartObject("pre_tokenizer").write("type", "Sequence").writeStartArray("pretokenizers");
            g.writeStartObject().write("type", "Split")
                    .writeStartObject("pattern").write("Regex", ByteLevelBpeTrainer.QWEN2_SPLIT).writeEnd()
                    .write("behavior", "Isolated").write("invert", false).writeEnd();
            g.writeStartObject().write("type", "ByteLevel").write("add_prefix_space", false)
                    .write("trim_offsets", false).write("use_regex", false).writeEnd();
            g.writeEnd().writeEnd();
            writePostProcessor(g);
            g.writeStartObject("decoder").write("type", "ByteLevel").write("add_prefix_space", true)
                    .write("trim_offsets", true).write("use_regex", true).writeEnd();
            g.writeStartObject("model")
                    .write("type", "BPE")
                    .writeNull("dropout")
                    .writeNull("unk_token")
                    .writeNull("continuing_subword_prefix")
                    .writeNull("end_of_word_suffix")
                    .write("fuse_unk", false)
                    .write("byte_fallback", false)
                    .write("ignore_merges", false);
            g.writeStartObject("vocab");
            List<String> tokens = vocabulary.tokens();
            for (int id = 0; id < tokens.size(); id++) {
                g.write(tokens.get(id), id);
            }
            g.writeEnd();
            g.writeStartArray("merges");
            vocabulary.merges().forEach(g::write);
            g.writeEnd();
            g.writeEnd();
            g.writeEnd();
        }
    }

    private void writePostProcessor(JsonGenerator g) {
        String bos = R1DistillTokens.BOS;
        g.writeStartObject("post_processor").write("type", "TemplateProcessing");
        g.writeStartArray("single");
        g.writeStartObject().writeStartObject("SpecialToken").write("id", bos).write("type_id", 0).writeEnd().writeEnd();
        g.writeStartObject().writeStartObject("Sequence").write("id", "A").write("type_id", 0).writeEnd().writeEnd();
        g.writeEnd();
        g.writeStartArray("pair");
        g.writeStartObject().writeStartObject("SpecialToken").write("id", bos).write("type_id", 0).writeEnd().writeEnd();
        g.writeStartObject().writeStartObject("Sequence").write("id", "A").write("type_id", 0).writeEnd().writeEnd();
        g.writeStartObject().writeStartObject("SpecialToken").write("id", bos).write("type_id", 1).writeEnd().writeEnd();
        g.writeStartObject().writeStartObject("Sequence").write("id", "B").write("type_id", 1).writeEnd().writeEnd();
        g.writeEnd();
        g.writeStartObject("special_tokens").writeStartObject(bos).write("id", bos)
                .writeStartArray("ids").write(idOf(bos)).writeEnd()
                .writeStartArray("tokens").write(bos).writeEnd()
                .writeEnd().writeEnd();
        g.writeEnd();
    }

    void writeTokenizerConfig(Path file, String chatTemplate, int modelMaxLength) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
             JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject()
                    .write("add_bos_token", true)
                    .write("add_eos_token", false);
            writeAddedToken(g, "bos_token", R1DistillTokens.BOS);
            writeAddedToken(g, "eos_token", R1DistillTokens.EOS);
            writeAddedToken(g, "pad_token", R1DistillTokens.EOS);
            g.write("clean_up_tokenization_spaces", false)
                    .write("legacy", true)
                    .write("model_max_length", modelMaxLength)
                    .write("sp_model_kwargs", Json.createObjectBuilder().build())
                    .writeNull("unk_token")
                    .write("tokenizer_class", "LlamaTokenizerFast")
                    .write("chat_template", chatTemplate)
                    .writeEnd();
        }
    }

    private static void writeAddedToken(JsonGenerator g, String name, String content) {
        g.writeStartObject(name)
                .write("__type", "AddedToken")
                .write("content", content)
                .write("lstrip", false)
                .write("normalized", true)
                .write("rstrip", false)
                .write("single_word", false)
                .writeEnd();
    }
}
