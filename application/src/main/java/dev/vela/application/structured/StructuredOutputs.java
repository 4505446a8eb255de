package dev.vela.application.structured;

import dev.vela.application.port.out.Tokenizer;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.structured.OutputConstraint;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the engine turns a request's {@link OutputConstraint} into a {@link CompiledGrammar} for
 * its vocabulary: the front end for the kind (regex, choice, GBNF, JSON Schema), then the automaton.
 * Compiled grammars are kept by their canonical text in a small LRU, so a client that sends the
 * same schema with every request compiles it once. A constraint that cannot be compiled is an
 * {@link InvalidRequestException} naming the request field it came from.
 */
public final class StructuredOutputs {

    static final int CACHED_GRAMMARS = 32;
    /** How long a compile may walk the trie ahead for its first states ({@link TokenMasker#walkAhead}). */
    public static final Duration WALK_AHEAD = Duration.ofMillis(250);

    private final Tokenizer tokenizer;
    private final int vocabularySize;
    private volatile TokenVocabulary vocabulary;
    private final long walkAheadNanos;
    private final Map<String, CompiledGrammar> compiled = new LinkedHashMap<>(CACHED_GRAMMARS, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompiledGrammar> eldest) {
            return size() > CACHED_GRAMMARS;
        }
    };

    /** The vocabulary's trie is built on the first constrained request, not at start-up. */
    public StructuredOutputs(Tokenizer tokenizer, int vocabularySize) {
        this(tokenizer, vocabularySize, WALK_AHEAD);
    }

    /**
     * Over a trie already built (another instance's): an empty cache, the same vocabulary, and
     * {@code walkAhead} for each compile to fill its first masks (zero: every mask on demand).
     */
    public StructuredOutputs(TokenVocabulary vocabulary, Duration walkAhead) {
        this(null, vocabulary.size, walkAhead);
        this.vocabulary = vocabulary;
    }

    private StructuredOutputs(Tokenizer tokenizer, int vocabularySize, Duration walkAhead) {
        this.tokenizer = tokenizer;
        this.vocabularySize = vocabularySize;
        this.walkAheadNanos = walkAhead.toNanos();
    }

    /** @throws InvalidRequestException naming {@code constraint.field()} when it cannot be compiled */
    public CompiledGrammar compile(OutputConstraint constraint) {
        String key = canonical(constraint);
        synchronized (compiled) {
            CompiledGrammar known = compiled.get(key);
            if (known != null) {
                return known;
            }
        }
        CompiledGrammar grammar;
        try {
            grammar = new CompiledGrammar(grammarOf(constraint), vocabulary(), walkAheadNanos);
        } catch (GrammarException e) {
            throw new InvalidRequestException("Invalid " + kind(constraint) + " in " + constraint.field() + ": "
                    + e.getMessage(), constraint.field());
        }
        synchronized (compiled) {
            compiled.put(key, grammar);
        }
        return grammar;
    }

    /** The vocabulary's trie, built once. */
    public TokenVocabulary vocabulary() {
        TokenVocabulary built = vocabulary;
        if (built == null) {
            synchronized (this) {
                built = vocabulary;
                if (built == null) {
                    built = TokenVocabulary.of(tokenizer, vocabularySize);
                    vocabulary = built;
                }
            }
        }
        return built;
    }

    /** The grammar a constraint stands for, before it is compiled to an automaton. */
    public static Grammar grammarOf(OutputConstraint constraint) {
        return switch (constraint) {
            case OutputConstraint.Regex regex -> RegexParser.parse(regex.pattern());
            case OutputConstraint.Choice choice -> Grammar.of(new GrammarExpr.Alternation(
                    choice.choices().stream().<GrammarExpr>map(GrammarExpr.Literal::new).toList()));
            case OutputConstraint.Grammar ebnf -> GbnfParser.parse(ebnf.ebnf());
            case OutputConstraint.JsonSchema schema -> JsonSchemaGrammar.compile(schema);
            case OutputConstraint.JsonObject object -> JsonSchemaGrammar.compile(object);
        };
    }

    private static String kind(OutputConstraint constraint) {
        return switch (constraint) {
            case OutputConstraint.Regex regex -> "regular expression";
            case OutputConstraint.Choice choice -> "choice";
            case OutputConstraint.Grammar grammar -> "grammar";
            case OutputConstraint.JsonSchema schema -> "JSON schema";
            case OutputConstraint.JsonObject object -> "json_object";
        };
    }

    /** The same text for the same constraint, whatever the field or the order of a schema's keys. */
    static String canonical(OutputConstraint constraint) {
        return switch (constraint) {
            case OutputConstraint.Regex regex -> "regex:" + regex.pattern();
            case OutputConstraint.Choice choice -> "choice:" + canonicalJson(choice.choices());
            case OutputConstraint.Grammar grammar -> "grammar:" + grammar.ebnf();
            case OutputConstraint.JsonSchema schema -> "schema:" + schema.whitespace() + ":" + canonicalJson(schema.schema());
            case OutputConstraint.JsonObject object -> "object:" + object.whitespace();
        };
    }

    private static String canonicalJson(Object value) {
        StringBuilder out = new StringBuilder();
        appendJson(value, out);
        return out.toString();
    }

    private static void appendJson(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> entry : new TreeMap<>(map).entrySet()) {
                    out.append(first ? "" : ",");
                    appendJson(String.valueOf(entry.getKey()), out);
                    out.append(':');
                    appendJson(entry.getValue(), out);
                    first = false;
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    out.append(i == 0 ? "" : ",");
                    appendJson(list.get(i), out);
                }
                out.append(']');
            }
            case String text -> {
                out.append('"');
                text.chars().forEach(c -> {
                    if (c == '"' || c == '\\' || c < 0x20) {
                        out.append(String.format("\\u%04x", c));
                    } else {
                        out.append((char) c);
                    }
                });
                out.append('"');
            }
            case BigDecimal number -> out.append(number.toPlainString());
            default -> out.append(value);
        }
    }
}
