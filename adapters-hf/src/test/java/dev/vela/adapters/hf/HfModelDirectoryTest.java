package dev.vela.adapters.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.domain.chat.ChatTemplate;
import dev.vela.domain.generation.GenerationConfig;
import dev.vela.domain.model.ModelConfig;
import dev.vela.domain.sampling.SamplingDefaults;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory laid out like deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B (weights and tokenizer stubbed). */
class HfModelDirectoryTest {

    private static final String CONFIG = """
            {
              "architectures": ["Qwen2ForCausalLM"],
              "bos_token_id": 151643,
              "eos_token_id": 151643,
              "hidden_size": 1536,
              "intermediate_size": 8960,
              "max_position_embeddings": 131072,
              "model_type": "qwen2",
              "num_attention_heads": 12,
              "num_hidden_layers": 28,
              "num_key_value_heads": 2,
              "rms_norm_eps": 1e-06,
              "rope_theta": 10000,
              "tie_word_embeddings": false,
              "torch_dtype": "bfloat16",
              "vocab_size": 151936
            }
            """;
    private static final String GENERATION_CONFIG = """
            {"_from_model_config": true, "bos_token_id": 151646, "eos_token_id": 151643,
             "do_sample": true, "temperature": 0.6, "top_p": 0.95}
            """;
    private static final String TOKENIZER_CONFIG = """
            {
              "add_bos_token": true,
              "bos_token": {"__type": "AddedToken", "content": "<｜begin▁of▁sentence｜>", "lstrip": false},
              "eos_token": {"__type": "AddedToken", "content": "<｜end▁of▁sentence｜>", "lstrip": false},
              "chat_template": "{{ bos_token }}{% for m in messages %}{{ m['content'] }}{% endfor %}"
            }
            """;

    @TempDir
    Path dir;

    @BeforeEach
    void writeModelDirectory() throws IOException {
        write("config.json", CONFIG);
        write("generation_config.json", GENERATION_CONFIG);
        write("tokenizer_config.json", TOKENIZER_CONFIG);
        write("tokenizer.json", "{}");
        write("model.safetensors", "");
    }

    @Test
    void configJsonGivesTheModelsShape() {
        assertEquals(new ModelConfig("Qwen2ForCausalLM", 1536, 28, 12, 2, 128, 8960, 151936, 131072, 10000.0, 1e-6,
                false, "bfloat16"), HfModelDirectory.open(dir).config());
    }

    @Test
    void absentShapeFieldsTakeTransformersDefaults() throws IOException {
        write("config.json", """
                {"architectures": ["Qwen2ForCausalLM"], "hidden_size": 64, "num_hidden_layers": 2,
                 "num_attention_heads": 4, "intermediate_size": 128, "vocab_size": 300,
                 "max_position_embeddings": 256, "rms_norm_eps": 1e-06}
                """);

        ModelConfig config = HfModelDirectory.open(dir).config();

        assertEquals(4, config.numKvHeads());
        assertEquals(16, config.headDim());
        assertEquals(10000.0, config.ropeTheta());
        assertFalse(config.tieWordEmbeddings());
        assertEquals("float32", config.dtype());
    }

    @Test
    void generationConfigGivesSamplingDefaultsAndEos() {
        assertEquals(new GenerationConfig(new SamplingDefaults(0.6, 0.95, null, null, null, null), List.of(151643)),
                HfModelDirectory.open(dir).generationConfig());
    }

    @Test
    void eosTokenIdMayBeAList() throws IOException {
        write("generation_config.json", """
                {"eos_token_id": [151645, 151643], "repetition_penalty": 1.1, "temperature": 0.7,
                 "top_p": 0.8, "top_k": 20}
                """);

        assertEquals(new GenerationConfig(new SamplingDefaults(0.7, 0.8, 20, null, 1.1, null), List.of(151645, 151643)),
                HfModelDirectory.open(dir).generationConfig());
    }

    @Test
    void aTopKOfFiftyIsTransformersDefaultAndNotAModelDefault() throws IOException {
        write("generation_config.json", "{\"top_k\": 50}");

        assertEquals(null, HfModelDirectory.open(dir).generationConfig().defaults().topK());
    }

    @Test
    void withoutGenerationConfigEosComesFromConfigJson() throws IOException {
        Files.delete(dir.resolve("generation_config.json"));

        assertEquals(new GenerationConfig(SamplingDefaults.none(), List.of(151643)),
                HfModelDirectory.open(dir).generationConfig());
    }

    @Test
    void tokenizerConfigGivesTheChatTemplateWithTheTextOfBosAndEos() {
        assertEquals(Optional.of(new ChatTemplate("{{ bos_token }}{% for m in messages %}{{ m['content'] }}{% endfor %}",
                        "<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>")),
                HfModelDirectory.open(dir).chatTemplate());
    }

    @Test
    void aListOfNamedTemplatesGivesTheDefaultOne() throws IOException {
        write("tokenizer_config.json", """
                {"bos_token": "<s>", "eos_token": "</s>", "chat_template": [
                  {"name": "tool_use", "template": "tools"}, {"name": "default", "template": "chat"}]}
                """);

        assertEquals(Optional.of(new ChatTemplate("chat", "<s>", "</s>")), HfModelDirectory.open(dir).chatTemplate());
    }

    @Test
    void aTemplateFileBesideTheTokenizerConfigWinsOverTheConfigsTemplate() throws IOException {
        write("tokenizer_config.json", "{\"bos_token\": \"<s>\", \"chat_template\": \"old\"}");
        write("chat_template.jinja", "{{ bos_token }}chat\n");

        assertEquals(Optional.of(new ChatTemplate("{{ bos_token }}chat\n", "<s>", null)),
                HfModelDirectory.open(dir).chatTemplate());
    }

    @Test
    void aBaseModelHasNoChatTemplate() throws IOException {
        write("tokenizer_config.json", "{\"bos_token\": null}");

        assertEquals(Optional.empty(), HfModelDirectory.open(dir).chatTemplate());
    }

    @Test
    void theTokenizerAndWeightFilesAreFound() {
        HfModelDirectory model = HfModelDirectory.open(dir);

        assertEquals(dir.resolve("tokenizer.json"), model.tokenizerJson());
        assertEquals(List.of(dir.resolve("model.safetensors")), model.modelFiles());
    }

    @Test
    void shardedWeightsAreTheFilesTheIndexLists() throws IOException {
        Files.delete(dir.resolve("model.safetensors"));
        write("model-00001-of-00002.safetensors", "");
        write("model-00002-of-00002.safetensors", "");
        write("model.safetensors.index.json", """
                {"metadata": {"total_size": 8}, "weight_map": {
                  "model.norm.weight": "model-00002-of-00002.safetensors",
                  "model.embed_tokens.weight": "model-00001-of-00002.safetensors",
                  "lm_head.weight": "model-00002-of-00002.safetensors"}}
                """);

        assertEquals(List.of(dir.resolve("model-00001-of-00002.safetensors"), dir.resolve("model-00002-of-00002.safetensors")),
                HfModelDirectory.open(dir).modelFiles());
    }

    // Each broken directory gives one line that names the file and the problem.

    @Test
    void aMissingDirectoryIsNamed() {
        Path absent = dir.resolve("no-such-model");

        assertEquals(absent + ": not a model directory (does not exist)", problemOpening(absent));
    }

    @Test
    void aMissingConfigJsonIsNamed() throws IOException {
        Files.delete(dir.resolve("config.json"));

        assertTrue(problemOpening(dir).startsWith("config.json: missing (looked for "), problemOpening(dir));
    }

    @Test
    void invalidJsonIsReportedWithItsPosition() throws IOException {
        write("config.json", "{\n  \"architectures\": [\"Qwen2ForCausalLM\"],\n  \"hidden_size\": 1536,,\n}");

        assertEquals("config.json: not valid JSON (line 3, column 23)", problemOpening(dir));
    }

    @Test
    void aMissingRequiredFieldIsNamed() throws IOException {
        write("config.json", CONFIG.replace("\"hidden_size\": 1536,", ""));

        assertEquals("config.json: missing \"hidden_size\"", problemOpening(dir));
    }

    @Test
    void aFieldOfTheWrongTypeIsNamedWithItsValue() throws IOException {
        write("config.json", CONFIG.replace("\"hidden_size\": 1536", "\"hidden_size\": \"1536\""));

        assertEquals("config.json: \"hidden_size\" must be an integer, got \"1536\"", problemOpening(dir));
    }

    @Test
    void weightsQuantizedByAMethodVelaCannotServeAreRefusedNamingIt() throws IOException {
        write("config.json", CONFIG.replace("\"hidden_size\": 1536,",
                "\"hidden_size\": 1536, \"quantization_config\": {\"quant_method\": \"awq\", \"bits\": 4},"));

        assertEquals("config.json: \"quantization_config\" declares weights quantized with awq, which Vela cannot serve;"
                + " serve the unquantized model, with --quantization q8_0 or q4_0 to quantize it", problemOpening(dir));
    }

    @Test
    void anImpossibleShapeIsNamed() throws IOException {
        write("config.json", CONFIG.replace("\"num_key_value_heads\": 2", "\"num_key_value_heads\": 5"));

        assertEquals("config.json: num_attention_heads (12) must be a multiple of num_key_value_heads (5)",
                problemOpening(dir));
    }

    @Test
    void aBrokenGenerationConfigIsNamed() throws IOException {
        write("generation_config.json", "{\"temperature\": \"hot\"}");

        assertEquals("generation_config.json: \"temperature\" must be a number, got \"hot\"", problemOpening(dir));
    }

    @Test
    void aBrokenChatTemplateEntryIsNamed() throws IOException {
        write("tokenizer_config.json", "{\"chat_template\": 42}");

        assertTrue(problemOpening(dir).startsWith("tokenizer_config.json: \"chat_template\" must be a string"),
                problemOpening(dir));
    }

    @Test
    void aMissingTokenizerIsNamed() throws IOException {
        Files.delete(dir.resolve("tokenizer.json"));

        assertTrue(problemOpening(dir).startsWith("tokenizer.json: missing"), problemOpening(dir));
    }

    @Test
    void missingWeightsAreNamed() throws IOException {
        Files.delete(dir.resolve("model.safetensors"));

        assertEquals("model.safetensors: missing, and there is no model.safetensors.index.json listing shards",
                problemOpening(dir));
    }

    @Test
    void aShardTheIndexListsButTheDirectoryLacksIsNamed() throws IOException {
        Files.delete(dir.resolve("model.safetensors"));
        write("model.safetensors.index.json", "{\"weight_map\": {\"lm_head.weight\": \"model-00002-of-00002.safetensors\"}}");

        assertEquals("model.safetensors.index.json: lists model-00002-of-00002.safetensors, which is missing",
                problemOpening(dir));
    }

    @Test
    void anIndexMappingATensorToSomethingOtherThanAFileNameIsNamed() throws IOException {
        Files.delete(dir.resolve("model.safetensors"));
        write("model.safetensors.index.json", "{\"weight_map\": {\"lm_head.weight\": null}}");

        assertEquals("model.safetensors.index.json: \"weight_map\" must map tensor names to file names, got null for "
                + "lm_head.weight", problemOpening(dir));
    }

    private static String problemOpening(Path dir) {
        String message = assertThrows(ModelDirectoryException.class, () -> HfModelDirectory.open(dir)).getMessage();
        assertFalse(message.contains("\n"), "one line: " + message);
        return message;
    }

    private void write(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content);
    }
}
