package dev.vela.benchmarks;

import dev.vela.adapters.cpu.PanamaModelRunner;
import dev.vela.adapters.hf.HfModelDirectory;
import dev.vela.adapters.hf.HfTokenizer;
import dev.vela.adapters.hf.SafetensorsModelWeights;
import dev.vela.adapters.hf.random.ModelPreset;
import dev.vela.adapters.hf.random.WeightType;
import dev.vela.application.engine.Engine;
import dev.vela.application.engine.EngineConfig;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.Generation.PromptTokens;
import dev.vela.application.port.in.GenerationEvent;
import dev.vela.application.structured.CompiledGrammar;
import dev.vela.application.structured.GrammarMatcher;
import dev.vela.application.structured.StructuredOutputs;
import dev.vela.application.structured.TokenVocabulary;
import dev.vela.domain.sampling.SamplingParams;
import dev.vela.domain.structured.JsonWhitespace;
import dev.vela.domain.structured.OutputConstraint;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * What structured outputs cost, on R1-Distill's real 151,936-token vocabulary. First the masks
 * alone: for json_object, a nested JSON Schema and a regular expression, the compile time, then the
 * time to mask one row of logits (compute the allowed set and apply it) per token per sequence,
 * p50 and p99, over random walks through the grammar; the first walks meet every state for the
 * first time (cold), the same walks again find their masks kept (warm); each grammar compiled with
 * its masks walked ahead and without, alternating. Then decode on the 0.5B-dimension random model
 * at 1 and 16 streams, with and without the nested schema, alternating in one run: tokens/s of the
 * engine, where the free side sends requests as long as the schema side's (whose answers end when
 * their JSON completes), and the time between two tokens of a stream.
 * Run: {@code bin/bench structured}.
 */
public final class StructuredBenchmark {

    private static final int WALKS = Integer.getInteger("vela.bench.walks", 100);
    private static final int STEPS = Integer.getInteger("vela.bench.steps", 60);
    private static final int DECODE = Integer.getInteger("vela.bench.decode", 32);
    private static final int ROUNDS = Integer.getInteger("vela.bench.rounds", 3);
    private static final int[] STREAMS = Stats.intList("vela.bench.streams", "1,16");
    private static final Duration WALK_AHEAD = Duration.ofMillis(Long.getLong("vela.bench.walk-ahead-ms",
            StructuredOutputs.WALK_AHEAD.toMillis()));

    private StructuredBenchmark() {
    }

    static Map<String, Object> nestedSchema() {
        Map<String, Object> address = object(List.of(
                "street", Map.of("type", "string", "maxLength", BigDecimal.valueOf(40)),
                "zip", Map.of("type", "string", "pattern", "[0-9]{5}")), List.of("street", "zip"));
        Map<String, Object> item = object(List.of(
                "id", Map.of("type", "integer", "minimum", BigDecimal.ZERO, "maximum", BigDecimal.valueOf(99999)),
                "price", Map.of("type", "number"),
                "kind", Map.of("enum", List.of("book", "pen", "lamp"))), List.of("id", "kind"));
        return object(List.of(
                "name", Map.of("type", "string"),
                "age", Map.of("type", "integer", "minimum", BigDecimal.ZERO, "maximum", BigDecimal.valueOf(150)),
                "active", Map.of("type", "boolean"),
                "address", address,
                "items", Map.of("type", "array", "items", item, "maxItems", BigDecimal.valueOf(4))),
                List.of("name", "age", "address", "items"));
    }

    /** An object schema with {@code properties} given as name, schema, name, schema... in order. */
    private static Map<String, Object> object(List<Object> properties, List<String> required) {
        Map<String, Object> byName = new LinkedHashMap<>();
        for (int i = 0; i < properties.size(); i += 2) {
            byName.put((String) properties.get(i), properties.get(i + 1));
        }
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", byName);
        schema.put("required", required);
        return schema;
    }

    public static void main(String[] args) throws Exception {
        int threads = Integer.getInteger("vela.bench.threads", Runtime.getRuntime().availableProcessors());
        // the masks need only the vocabulary: the small model with R1-Distill's tokenizer has it
        HfModelDirectory vocabularyModel = HfModelDirectory.open(BenchModels.model(ModelPreset.R1_DISTILL_VOCAB_TINY,
                WeightType.BFLOAT16));
        HfTokenizer tokenizer = HfTokenizer.load(vocabularyModel.tokenizerJson());
        int vocabularySize = vocabularyModel.config().vocabSize();
        int[] eos = vocabularyModel.generationConfig().eosTokenIds().stream().mapToInt(Integer::intValue).toArray();

        long start = System.nanoTime();
        TokenVocabulary vocabulary = TokenVocabulary.of(tokenizer, vocabularySize);
        double trieMillis = (System.nanoTime() - start) / 1e6;

        Map<String, OutputConstraint> constraints = new LinkedHashMap<>();
        constraints.put("json_object", new OutputConstraint.JsonObject(JsonWhitespace.BOUNDED, "response_format"));
        constraints.put("nested schema", new OutputConstraint.JsonSchema(nestedSchema(), JsonWhitespace.BOUNDED, "response_format"));
        constraints.put("regex", new OutputConstraint.Regex(
                "[a-z0-9._%+-]{1,20}@[a-z0-9-]{1,12}\\.(com|org|net)|\\(\\d{3}\\) \\d{3}-\\d{4}", "regex"));
        List<String> rows = new ArrayList<>();
        Duration[] walkAhead = {Duration.ZERO, WALK_AHEAD};
        for (Map.Entry<String, OutputConstraint> entry : constraints.entrySet()) {
            for (int round = 0; round < ROUNDS; round++) {
                for (int k = 0; k < walkAhead.length; k++) {
                    Duration ahead = walkAhead[(round + k) % walkAhead.length];    // each goes first in turn
                    StructuredOutputs outputs = new StructuredOutputs(vocabulary, ahead);
                    start = System.nanoTime();
                    CompiledGrammar grammar = outputs.compile(entry.getValue());
                    double compileMillis = (System.nanoTime() - start) / 1e6;
                    double[][] cold = walks(grammar, vocabularySize, eos);
                    double[][] warm = walks(grammar, vocabularySize, eos);
                    rows.add(String.format("%-13s | %10s | %10.1f | %6d | %8.1f | %8.1f | %12.1f | %8.1f | %8.1f | %12.1f | %6d",
                            entry.getKey(), ahead.isZero() ? "on demand" : ahead.toMillis() + " ms", compileMillis,
                            grammar.automatonStates(), Stats.median(cold[0]), Stats.percentile(cold[0], 99),
                            Stats.percentile(cold[1], 99), Stats.median(warm[0]), Stats.percentile(warm[0], 99),
                            Stats.percentile(warm[1], 99), warm[0].length));
                }
            }
        }

        System.out.println(Machine.describe());
        System.out.printf("vocabulary: %d ids, trie of %d tokens' bytes built in %.0f ms%n", vocabularySize,
                vocabulary.tokenCount(), trieMillis);
        System.out.println("mask per token per sequence (compute the allowed set and apply it to a row of logits), µs;"
                + " random walks, " + WALKS + " x up to " + STEPS + " tokens");
        System.out.println("masks walked ahead at compile time (within the budget) or each on demand, alternating, "
                + ROUNDS + " rounds");
        System.out.println("constraint    | walk ahead | compile ms | states | cold p50 | cold p99 | cold p99 cpu"
                + " | warm p50 | warm p99 | warm p99 cpu | tokens");
        rows.forEach(System.out::println);
        if (Boolean.getBoolean("vela.bench.masks-only")) {
            return;
        }
        HfModelDirectory model = HfModelDirectory.open(BenchModels.model(ModelPreset.QWEN2_5_0_5B, WeightType.BFLOAT16));
        System.out.println();
        System.out.printf("decode, %s, %d threads, %d tokens per stream, %d rounds, free and nested schema alternating%n",
                ModelPreset.QWEN2_5_0_5B.modelName(), threads, DECODE, ROUNDS);
        Decode[] decodes = decode(model, tokenizer, eos, threads, constraints.get("nested schema"));
        System.out.println("free: free text, end-of-sequence ignored, each stream's requests as long as the schema side's;"
                + " schema: a stream whose answer completes sends its next request at once");
        System.out.println("tok/s: generated tokens over the wall time (best round; schema / free also as the median of"
                + " each round's pair); inter-token ms: between two tokens of a stream as its client receives them (one"
                + " engine step, masks and sampling included), p10 and p50 over all streams and rounds");
        System.out.println("streams | free tok/s | schema tok/s | best / best | median of pairs | intervals"
                + " | free inter-token p10 p50 | schema inter-token p10 p50 | free / schema p10 | p50");
        for (int i = 0; i < STREAMS.length; i++) {
            Decode d = decodes[i];
            double[] free = d.intervals(FREE);
            double[] constrained = d.intervals(SCHEMA);
            System.out.printf("%7d | %10.2f | %12.2f | %11.3f | %15.3f | %9d | %11.1f %11.1f | %13.1f %12.1f | %17.3f | %.3f%n",
                    STREAMS[i], d.best(FREE), d.best(SCHEMA), d.best(SCHEMA) / d.best(FREE), d.medianRatio(), free.length,
                    Stats.percentile(free, 10), Stats.median(free), Stats.percentile(constrained, 10),
                    Stats.median(constrained), Stats.percentile(free, 10) / Stats.percentile(constrained, 10),
                    Stats.median(free) / Stats.median(constrained));
        }
        System.out.printf("load average after the run: %.2f%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.println("reproduce: bin/bench structured   (-Dvela.bench.threads=" + threads + " -Dvela.bench.walks=" + WALKS
                + " -Dvela.bench.rounds=" + ROUNDS + ")");
    }

    /**
     * Microseconds to mask each step of {@link #WALKS} seeded random walks through the grammar:
     * {wall-clock, this thread's CPU time}. The second leaves out the time the thread waited for a
     * core, which on a shared machine is most of the tail.
     */
    private static double[][] walks(CompiledGrammar grammar, int vocabularySize, int[] eos) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        List<Double> micros = new ArrayList<>();
        List<Double> cpuMicros = new ArrayList<>();
        float[] logits = new float[vocabularySize];
        for (int walk = 0; walk < WALKS; walk++) {
            SplittableRandom random = new SplittableRandom(walk);
            GrammarMatcher matcher = grammar.matcher();
            for (int step = 0; step < STEPS && !matcher.complete(); step++) {
                Arrays.fill(logits, 0f);
                long cpuStart = threads.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                matcher.restrict(logits, eos);
                micros.add((System.nanoTime() - start) / 1e3);
                cpuMicros.add((threads.getCurrentThreadCpuTime() - cpuStart) / 1e3);
                int token = pick(logits, random);
                if (Arrays.stream(eos).anyMatch(id -> id == token)) {
                    break;
                }
                matcher.accept(token);
            }
        }
        return new double[][] {micros.stream().mapToDouble(Double::doubleValue).toArray(),
                cpuMicros.stream().mapToDouble(Double::doubleValue).toArray()};
    }

    /** A random allowed token: as often a short one as a long one, so walks go deep. */
    private static int pick(float[] logits, SplittableRandom random) {
        int allowed = 0;
        for (float l : logits) {
            allowed += l == 0f ? 1 : 0;
        }
        int k = random.nextInt(allowed);
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] == 0f && k-- == 0) {
                return i;
            }
        }
        throw new IllegalStateException("no allowed token");
    }

    private static final int FREE = 0;
    private static final int SCHEMA = 1;

    /** One stream count's decode figures: tok/s per round and side, and the inter-token intervals of each side. */
    private record Decode(double[][] rates, List<List<Double>> intervalMillis) {
        Decode() {
            this(new double[ROUNDS][2], List.of(new ArrayList<>(), new ArrayList<>()));
        }

        double best(int side) {
            return Arrays.stream(rates).mapToDouble(round -> round[side]).max().orElseThrow();
        }

        /** The schema side's tok/s over the free side's, round by round (the two ran back to back), median. */
        double medianRatio() {
            return Stats.median(Arrays.stream(rates).mapToDouble(round -> round[SCHEMA] / round[FREE]).toArray());
        }

        double[] intervals(int side) {
            return intervalMillis.get(side).stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    /**
     * Per stream count, decode without and with the schema, alternating round by round. The free
     * side's requests are as long as the schema side's, so that both pay the same prefills: the
     * lengths are recorded once, in a warm-up at the widest stream count (a stream's requests have
     * seeds of their own, and the same seed gives the same answer alone or batched, which every
     * round of the schema side checks).
     */
    private static Decode[] decode(HfModelDirectory model, HfTokenizer tokenizer, int[] eos, int threads,
                                   OutputConstraint schema) throws InterruptedException {
        Decode[] decodes = new Decode[STREAMS.length];
        Arrays.setAll(decodes, i -> new Decode());
        int widest = Arrays.stream(STREAMS).max().orElseThrow();
        try (SafetensorsModelWeights weights = SafetensorsModelWeights.open(model.modelFiles());
             PanamaModelRunner runner = PanamaModelRunner.load(model.config(), weights, threads);
             Engine engine = new Engine(runner, tokenizer, EngineConfig.of(1024, 16, 1024), List.of())) {
            PromptTokens prompt = new PromptTokens("Describe a customer as JSON:",
                    tokenizer.encode("Describe a customer as JSON:", true));
            List<List<Integer>> lengths = new ArrayList<>();
            for (int s = 0; s < widest; s++) {
                lengths.add(new ArrayList<>());
            }
            run(engine, prompt, eos, widest, schema, lengths, null, new ArrayList<>());     // warm-up, recording the lengths
            run(engine, prompt, eos, widest, null, null, lengths, new ArrayList<>());       // warm-up
            double[] answers = lengths.stream().flatMap(List::stream).mapToDouble(Integer::doubleValue).toArray();
            System.out.printf("schema side: %d requests over %d streams; tokens per request min %.0f, median %.0f,"
                    + " max %.0f (a stream's last request is cut where its %d tokens are reached)%n", answers.length,
                    widest, Stats.min(answers), Stats.median(answers), Stats.max(answers), DECODE);
            for (int round = 0; round < ROUNDS; round++) {
                for (int i = 0; i < STREAMS.length; i++) {
                    for (int k = 0; k < 2; k++) {
                        int side = (round + k) % 2;    // each goes first in every other round
                        decodes[i].rates[round][side] = run(engine, prompt, eos, STREAMS[i],
                                side == SCHEMA ? schema : null, null, lengths, decodes[i].intervalMillis.get(side));
                    }
                }
            }
        }
        return decodes;
    }

    /**
     * Generated tokens per second of {@code streams} clients at once, each sending requests one after
     * the other until it has {@link #DECODE} tokens. With a {@code constraint}, an answer may end
     * early and its client then asks again, so the batch stays {@code streams} wide; its lengths
     * are added to {@code record} when given, else must equal {@code lengths}. Without one, each
     * request is as long as {@code lengths} says (end-of-sequence ignored). The milliseconds between
     * two single-token pieces of a request, as its client receives them, are added to {@code intervals}.
     */
    private static double run(Engine engine, PromptTokens prompt, int[] eos, int streams, OutputConstraint constraint,
                              List<List<Integer>> record, List<List<Integer>> lengths, List<Double> intervals)
            throws InterruptedException {
        java.util.concurrent.atomic.AtomicLong tokens = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        List<Thread> clients = new ArrayList<>();
        long start = System.nanoTime();
        for (int s = 0; s < streams; s++) {
            int stream = s;
            clients.add(Thread.ofVirtual().start(() -> {
                int produced = 0;
                for (int request = 0; produced < DECODE && failure.get() == null; request++) {
                    int maxTokens = constraint == null ? lengths.get(stream).get(request) : DECODE - produced;
                    SamplingParams params = SamplingParams.builder().temperature(1.0).seed(stream * 1000L + request)
                            .maxTokens(maxTokens).ignoreEos(constraint == null).structuredOutput(constraint).build();
                    Generation generation = engine.submit(List.of(new Engine.PromptRequest(prompt, params)), 1, eos, false);
                    int length = 0;
                    long previous = 0;
                    try {
                        GenerationEvent event;
                        while ((event = generation.poll(600, TimeUnit.SECONDS)) != null) {
                            if (event instanceof GenerationEvent.Delta delta) {
                                long now = System.nanoTime();
                                if (previous != 0 && delta.tokenIds().length == 1) {
                                    synchronized (intervals) {
                                        intervals.add((now - previous) / 1e6);
                                    }
                                }
                                previous = now;
                            } else if (event instanceof GenerationEvent.Finished finished) {
                                length = finished.completionTokens();
                            } else if (event instanceof GenerationEvent.Failed failed) {
                                failure.set(failed.error());
                            }
                        }
                    } catch (InterruptedException e) {
                        failure.set(e);
                    }
                    produced += length;
                    if (record != null) {
                        record.get(stream).add(length);
                    } else if (constraint != null && lengths.get(stream).get(request) != length) {
                        failure.compareAndSet(null, new IllegalStateException("stream " + stream + "'s request " + request
                                + " gave " + length + " tokens, not the " + lengths.get(stream).get(request)
                                + " it gave with the same seed before"));
                    }
                }
                tokens.addAndGet(produced);
            }));
        }
        for (Thread client : clients) {
            client.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a stream failed", failure.get());
        }
        return tokens.get() / ((System.nanoTime() - start) / 1e9);
    }
}
