package dev.vela.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.HfTokenizer;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.RandomModelWriter;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.application.engine.Engine;
import dev.vela.application.engine.EngineConfig;
import dev.vela.application.engine.ReasoningMarkers;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.Generation.PromptTokens;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.application.structured.GbnfParser;
import dev.vela.application.structured.ReferenceRecognizer;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.generation.FinishReason;
import dev.vela.domain.sampling.SamplingParams;
import dev.vela.domain.structured.OutputConstraint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Structured outputs through the whole engine, on random-weight models (the tiny one and the one
 * with R1-Distill's 151,936-token vocabulary) sampled at temperature 1.0: whatever the weights, an
 * answer that stops is a sentence of what was asked, and one cut by {@code max_tokens} is a prefix of one.
 */
class StructuredGenerationTest {

    private static final String REGEX = "(\\d{1,3}\\.){2}[a-f]{1,4}( ok| ko|ü)?";
    private static final String GBNF = """
            root ::= "{" ws "\\"name\\":" ws string ws "," ws "\\"tags\\":" ws list ws "}"
            list ::= "[" (value ("," ws value){0,2})? "]"
            value ::= string | number | list
            string ::= "\\"" ([^"\\\\\\x00-\\x1f] | "\\\\" ["\\\\nt]){0,6} "\\""
            number ::= "-"? [0-9]{1,4} ("." [0-9]{1,2})? ([eE] [-+]? [0-9]{1,2})?
            ws ::= " "?
            """;

    @TempDir
    static Path directory;
    private static final Map<ModelPreset, Setup> SETUPS = new java.util.EnumMap<>(ModelPreset.class);

    /** A model served by an engine, with its tokenizer and end-of-sequence ids. */
    private record Setup(Engine engine, HfTokenizer tokenizer, int[] eos) {
    }

    @BeforeAll
    static void models() {
        for (ModelPreset preset : List.of(ModelPreset.TINY, ModelPreset.R1_DISTILL_VOCAB_TINY)) {
            Path path = RandomModelWriter.write(preset, WeightType.FLOAT32, 11, directory.resolve(preset.name()));
            HfModelDirectory model = HfModelDirectory.open(path);
            PanamaModelRunner runner = PanamaModelRunner.load(model.config(),
                    SafetensorsModelWeights.open(model.modelFiles()), 2);
            HfTokenizer tokenizer = HfTokenizer.load(model.tokenizerJson());
            Engine engine = new Engine(runner, tokenizer, EngineConfig.of(512, 16, 512), List.of());
            int[] eos = model.generationConfig().eosTokenIds().stream().mapToInt(Integer::intValue).toArray();
            SETUPS.put(preset, new Setup(engine, tokenizer, eos));
        }
    }

    @AfterAll
    static void close() {
        SETUPS.values().forEach(setup -> setup.engine().close());
    }

    private static SamplingParams params(OutputConstraint constraint, long seed, int maxTokens) {
        return SamplingParams.builder().temperature(1.0).seed(seed).maxTokens(maxTokens).structuredOutput(constraint)
                .build();
    }

    /** One answer's text and how it ended. */
    private record Answer(String text, FinishReason reason) {
    }

    private static List<Answer> run(Setup setup, String prompt, List<SamplingParams> requests, ReasoningMarkers reasoning)
            throws InterruptedException {
        PromptTokens tokens = new PromptTokens(prompt, setup.tokenizer().encode(prompt, true));
        List<Generation> generations = new ArrayList<>();
        for (SamplingParams params : requests) {
            generations.add(setup.engine().submit(List.of(new Engine.PromptRequest(tokens, params, reasoning)),
                    params.n(), setup.eos(), false));
        }
        List<Answer> answers = new ArrayList<>();
        for (int g = 0; g < generations.size(); g++) {
            int n = requests.get(g).n();
            StringBuilder[] texts = new StringBuilder[n];
            FinishReason[] reasons = new FinishReason[n];
            for (int i = 0; i < n; i++) {
                texts[i] = new StringBuilder();
            }
            GenerationEvent event;
            while ((event = generations.get(g).poll(60, TimeUnit.SECONDS)) != null) {
                switch (event) {
                    case GenerationEvent.Delta d -> texts[d.choice()].append(d.text());
                    case GenerationEvent.Finished f -> reasons[f.choice()] = f.reason();
                    case GenerationEvent.Failed f -> throw new AssertionError("a sequence failed", f.error());
                    default -> { }
                }
            }
            for (int i = 0; i < n; i++) {
                assertNotNull(reasons[i], "every choice finished");
                answers.add(new Answer(texts[i].toString(), reasons[i]));
            }
        }
        return answers;
    }

    private static List<SamplingParams> seeds(OutputConstraint constraint, int count, int maxTokens) {
        List<SamplingParams> requests = new ArrayList<>();
        for (int seed = 0; seed < count; seed++) {
            requests.add(params(constraint, seed, maxTokens));
        }
        return requests;
    }

    @ParameterizedTest
    @EnumSource(names = {"TINY", "R1_DISTILL_VOCAB_TINY"})
    void regexAnswersAreFullMatchesOrWhenCutValidPrefixes(ModelPreset preset) throws InterruptedException {
        List<Answer> answers = run(SETUPS.get(preset), "The answer is",
                seeds(new OutputConstraint.Regex(REGEX, "regex"), 24, 24), null);
        Pattern pattern = Pattern.compile(REGEX);
        int stopped = 0;
        for (Answer answer : answers) {
            Matcher matcher = pattern.matcher(answer.text());
            if (answer.reason() == FinishReason.STOP) {
                stopped++;
                assertTrue(matcher.matches(), "a full match: " + answer.text());
            } else {
                assertEquals(FinishReason.LENGTH, answer.reason());
                assertTrue(matcher.matches() || matcher.hitEnd(), "a prefix of a match: " + answer.text());
            }
        }
        assertTrue(stopped >= answers.size() / 2, stopped + " of " + answers.size() + " answers finished");
    }

    @ParameterizedTest
    @EnumSource(names = {"TINY", "R1_DISTILL_VOCAB_TINY"})
    void choiceAnswersAreOneOfTheChoices(ModelPreset preset) throws InterruptedException {
        List<String> choices = List.of("yes", "no", "naïve café", "日本語", "yes please");
        for (Answer answer : run(SETUPS.get(preset), "Say", seeds(new OutputConstraint.Choice(choices, "choice"), 24, 16), null)) {
            assertEquals(FinishReason.STOP, answer.reason(), answer.text());
            assertTrue(choices.contains(answer.text()), answer.text());
        }
    }

    @Test
    void grammarAnswersAreAcceptedByAnIndependentRecognizer() throws InterruptedException {
        ReferenceRecognizer reference = new ReferenceRecognizer(GbnfParser.parse(GBNF));
        List<Answer> answers = run(SETUPS.get(ModelPreset.R1_DISTILL_VOCAB_TINY), "JSON:",
                seeds(new OutputConstraint.Grammar(GBNF, "grammar"), 24, 80), null);
        int stopped = 0;
        for (Answer answer : answers) {
            if (answer.reason() == FinishReason.STOP) {
                stopped++;
                assertTrue(reference.accepts(answer.text()), answer.text());
            }
        }
        assertTrue(stopped >= answers.size() / 2, stopped + " of " + answers.size() + " answers finished");
    }

    @Test
    void aSeededAnswerIsTheSameAloneAndInABatch() throws InterruptedException {
        Setup setup = SETUPS.get(ModelPreset.R1_DISTILL_VOCAB_TINY);
        OutputConstraint regex = new OutputConstraint.Regex(REGEX, "regex");
        List<Answer> batched = run(setup, "Numbers:", seeds(regex, 8, 24), null);
        for (int seed = 0; seed < 8; seed++) {
            assertEquals(batched.get(seed), run(setup, "Numbers:", List.of(params(regex, seed, 24)), null).getFirst());
        }
    }

    @Test
    void everyChoiceOfARequestWithNAndLogprobsMatches() throws InterruptedException {
        SamplingParams params = SamplingParams.builder().temperature(1.0).seed(3L).maxTokens(24).n(4).logprobs(2)
                .structuredOutput(new OutputConstraint.Regex(REGEX, "regex")).build();
        for (Answer answer : run(SETUPS.get(ModelPreset.TINY), "Go", List.of(params), null)) {
            Matcher matcher = Pattern.compile(REGEX).matcher(answer.text());
            assertTrue(matcher.matches() || answer.reason() == FinishReason.LENGTH && matcher.hitEnd(), answer.text());
        }
    }

    @Test
    void theReasoningStaysFreeAndOnlyTheAnswerAfterItIsConstrained() throws InterruptedException {
        Setup setup = SETUPS.get(ModelPreset.R1_DISTILL_VOCAB_TINY);
        int start = setup.tokenizer().encode("<think>", false)[0];
        int end = setup.tokenizer().encode("</think>", false)[0];
        // a few free tokens, then the end of the reasoning is all but certain
        SamplingParams params = SamplingParams.builder().temperature(1.0).seed(5L).maxTokens(40).minTokens(0)
                .logitBias(Map.of(end, 100.0)).structuredOutput(new OutputConstraint.Choice(List.of("alpha", "beta"), "choice"))
                .build();
        Answer answer = run(setup, "Pick one<think>\n", List.of(params), new ReasoningMarkers(start, end)).getFirst();

        assertEquals(FinishReason.STOP, answer.reason());
        assertTrue(answer.text().endsWith("</think>alpha") || answer.text().endsWith("</think>beta"), answer.text());
    }

    @Test
    void aPromptThatClosedTheReasoningIsConstrainedFromTheFirstToken() throws InterruptedException {
        Setup setup = SETUPS.get(ModelPreset.R1_DISTILL_VOCAB_TINY);
        int start = setup.tokenizer().encode("<think>", false)[0];
        int end = setup.tokenizer().encode("</think>", false)[0];
        Answer answer = run(setup, "Pick one<think>\n</think>\n",
                List.of(params(new OutputConstraint.Choice(List.of("alpha", "beta"), "choice"), 1, 16)),
                new ReasoningMarkers(start, end)).getFirst();

        assertTrue(List.of("alpha", "beta").contains(answer.text()), answer.text());
    }

    @Test
    void aRegexThatCannotBeCompiledIsAnErrorNamingTheField() {
        InvalidRequestException e = org.junit.jupiter.api.Assertions.assertThrows(InvalidRequestException.class,
                () -> run(SETUPS.get(ModelPreset.TINY), "x",
                        List.of(params(new OutputConstraint.Regex("(a)\\1", "structured_outputs.regex"), 1, 4)), null));
        assertEquals("structured_outputs.regex", e.param());
        assertTrue(e.getMessage().contains("backreferences"), e.getMessage());
    }
}
