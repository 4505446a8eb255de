package dev.vela.application.structured;

import dev.vela.application.structured.GrammarExpr.Alternation;
import dev.vela.application.structured.GrammarExpr.CharClass;
import dev.vela.application.structured.GrammarExpr.Literal;
import dev.vela.application.structured.GrammarExpr.Ref;
import dev.vela.application.structured.GrammarExpr.Repeat;
import dev.vela.application.structured.GrammarExpr.Sequence;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.structured.JsonWhitespace;
import dev.vela.domain.structured.OutputConstraint;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Compiles a JSON Schema (or "any JSON object") into the {@link Grammar} of the JSON texts that
 * are valid against it, the way xgrammar does: properties in schema order, no properties beyond
 * {@code properties} unless {@code additionalProperties} asks for them, bounded whitespace between
 * tokens. A keyword it cannot enforce is refused by name, never dropped; see
 * {@code docs/structured-outputs.md} for the keywords, the limits and why.
 */
public final class JsonSchemaGrammar {

    /** How deeply schemas may nest inside one another. */
    static final int MAX_DEPTH = 64;
    /** How many rules one schema may compile to: as many as the automaton takes. */
    static final int MAX_RULES = AutomatonCompiler.MAX_RULES;
    /** How many values all the schema's {@code enum}s may list together. */
    static final int MAX_ENUM_VALUES = 4_096;
    /** The largest {@code minLength}/{@code maxLength}/{@code minItems}/{@code maxItems}. */
    static final int MAX_COUNT = 10_000;
    /** The most decimal digits an integer bound may have. */
    static final int MAX_BOUND_DIGITS = 40;

    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "$schema", "$id", "$comment",
            "examples", "default", "deprecated", "readOnly", "writeOnly", "$defs", "definitions",
            "contentMediaType", "contentEncoding");
    private static final Set<String> ENFORCED = Set.of("type", "properties", "required", "additionalProperties",
            "enum", "const", "anyOf", "oneOf", "allOf", "$ref", "items", "prefixItems", "minItems", "maxItems",
            "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum",
            "exclusiveMaximum");
    private static final List<String> TYPES = List.of("object", "array", "string", "integer", "number", "boolean", "null");
    private static final Map<String, Set<String>> KEYWORDS_OF_TYPE = Map.of(
            "object", Set.of("properties", "required", "additionalProperties"),
            "array", Set.of("items", "prefixItems", "minItems", "maxItems"),
            "string", Set.of("minLength", "maxLength", "pattern", "format"),
            "integer", Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"));

    private final Object rootSchema;
    private final String field;
    private final GrammarExpr whitespace;
    private final Map<String, GrammarExpr> rules = new LinkedHashMap<>();
    private final Map<String, String> ruleOfPointer = new HashMap<>();
    private int depth;
    private int names;
    private int enumValues;

    private JsonSchemaGrammar(Object rootSchema, JsonWhitespace whitespace, String field) {
        this.rootSchema = rootSchema;
        this.field = field;
        this.whitespace = switch (whitespace.kind()) {
            case NONE -> null;
            case BOUNDED -> define("ws", JsonLexicon.boundedWhitespace());
            case PATTERN -> define("ws", whitespacePattern(whitespace.pattern()));
        };
    }

    /** The grammar of the JSON texts valid against the constraint's schema. */
    public static Grammar compile(OutputConstraint.JsonSchema constraint) {
        JsonSchemaGrammar compiler = new JsonSchemaGrammar(constraint.schema(), constraint.whitespace(),
                constraint.field());
        GrammarExpr root = compiler.schema(constraint.schema(), "#");
        if (root == null) {
            throw compiler.refuse("the JSON schema admits no value", "#");
        }
        return compiler.finish(root);
    }

    /** The grammar of any JSON object. */
    public static Grammar compile(OutputConstraint.JsonObject constraint) {
        JsonSchemaGrammar compiler = new JsonSchemaGrammar(Map.of(), constraint.whitespace(), constraint.field());
        compiler.anyValue();
        return compiler.finish(new Ref("any_object"));
    }

    private GrammarExpr whitespacePattern(String regex) {
        try {
            return onlyJsonWhitespace(RegexParser.expression(regex));
        } catch (GrammarException e) {
            throw new InvalidRequestException("Invalid whitespace_pattern " + regex + " in " + field + ": "
                    + e.getMessage(), field);
        }
    }

    /**
     * The whitespace a {@code whitespace_pattern} allows, narrowed to JSON's own (classes such as
     * {@code \s} lose {@code \f} and {@code \v}): anything else between tokens would make the answer
     * invalid JSON, so a pattern whose literals hold anything else is refused.
     */
    private static GrammarExpr onlyJsonWhitespace(GrammarExpr expr) {
        return switch (expr) {
            case Literal literal -> {
                if (!literal.text().chars().allMatch(c -> JsonLexicon.JSON_WHITESPACE.matches(c))) {
                    throw new GrammarException("it matches '" + literal.text() + "', which is not JSON whitespace");
                }
                yield literal;
            }
            case CharClass chars -> {
                CharClass narrowed = CharClasses.intersection(chars, JsonLexicon.JSON_WHITESPACE);
                if (narrowed == null) {
                    throw new GrammarException("it matches characters that are not JSON whitespace");
                }
                yield narrowed;
            }
            case Sequence sequence -> new Sequence(sequence.items().stream().map(JsonSchemaGrammar::onlyJsonWhitespace).toList());
            case Alternation alternation -> new Alternation(alternation.options().stream()
                    .map(JsonSchemaGrammar::onlyJsonWhitespace).toList());
            case Repeat repeat -> new Repeat(onlyJsonWhitespace(repeat.item()), repeat.min(), repeat.max());
            case Ref ref -> throw new GrammarException("a regular expression has no rules");
        };
    }

    private Grammar finish(GrammarExpr root) {
        rules.put("root", root);
        if (rules.size() > MAX_RULES) {
            throw refuse("the JSON schema is too large (it compiles to more than " + MAX_RULES + " rules)", "#");
        }
        Grammar grammar = new Grammar("root", rules);
        String looping = GrammarTermination.leftRecursiveRule(grammar);
        if (looping != null) {
            throw refuse("the JSON schema refers to itself without progress (through " + looping + ")", "#");
        }
        String endless = GrammarTermination.unfinishableRule(grammar);
        if (endless != null) {
            throw refuse("the JSON schema admits no finite value (through " + endless + ")", "#");
        }
        return grammar;
    }

    // ---- schemas --------------------------------------------------------------------------------

    /** The expression of the values valid against {@code node}, or null when none is. */
    private GrammarExpr schema(Object node, String at) {
        if (node instanceof Boolean admits) {
            return admits ? anyValue() : null;
        }
        if (!(node instanceof Map<?, ?> map)) {
            throw refuse("a schema must be an object or a boolean", at);
        }
        if (++depth > MAX_DEPTH) {
            throw refuse("the JSON schema nests more than " + MAX_DEPTH + " levels deep", at);
        }
        try {
            return keywords(stringKeys(map, at), at);
        } finally {
            depth--;
        }
    }

    private GrammarExpr keywords(Map<String, Object> s, String at) {
        for (String keyword : s.keySet()) {
            if (!ANNOTATIONS.contains(keyword) && !ENFORCED.contains(keyword)) {
                throw refuse("keyword '" + keyword + "' is not supported", at);
            }
        }
        Set<String> constraints = new LinkedHashSet<>(s.keySet());
        constraints.removeAll(ANNOTATIONS);
        if (s.containsKey("$ref")) {
            alone("$ref", constraints, at);
            return reference(s.get("$ref"), at);
        }
        if (s.containsKey("anyOf") || s.containsKey("oneOf")) {
            String keyword = s.containsKey("anyOf") ? "anyOf" : "oneOf";
            alone(keyword, constraints, at);
            return anyOf(list(s.get(keyword), keyword, at), at + "/" + keyword);
        }
        if (s.containsKey("allOf")) {
            return schema(allOf(s, at), at + "/allOf");
        }
        if (s.containsKey("const") || s.containsKey("enum")) {
            for (String other : constraints) {
                if (!Set.of("const", "enum", "type").contains(other)) {
                    throw refuse("keyword '" + other + "' beside 'enum' or 'const' is not supported", at);
                }
            }
            List<Object> values = s.containsKey("enum") ? list(s.get("enum"), "enum", at)
                    : Collections.singletonList(s.get("const"));
            if (s.containsKey("const")) {
                values = values.contains(s.get("const")) ? Collections.singletonList(s.get("const")) : List.of();
            }
            enumValues += values.size();
            if (enumValues > MAX_ENUM_VALUES) {
                throw refuse("the JSON schema lists more than " + MAX_ENUM_VALUES + " enum values", at);
            }
            return literals(values, s, at);
        }
        List<String> types = types(s, at);
        List<GrammarExpr> options = new ArrayList<>();
        checkKeywordsFit(s, types, at);
        for (String type : types) {
            GrammarExpr option = switch (type) {
                case "object" -> objectType(s, at);
                case "array" -> arrayType(s, at);
                case "string" -> stringType(s, at);
                case "integer" -> integerType(s, at);
                case "number" -> numberType(s, at);
                case "boolean" -> new Alternation(List.of(new Literal("true"), new Literal("false")));
                default -> new Literal("null");
            };
            if (option != null) {
                options.add(option);
            }
        }
        return alternation(options);
    }

    /** The schema's types: {@code type} as given, else those its keywords imply, else every type. */
    private List<String> types(Map<String, Object> s, String at) {
        Object type = s.get("type");
        if (type == null) {
            List<String> implied = new ArrayList<>();
            for (String candidate : List.of("object", "array", "string", "integer")) {
                if (KEYWORDS_OF_TYPE.get(candidate).stream().anyMatch(s::containsKey)) {
                    implied.add(candidate);
                }
            }
            return implied.isEmpty() ? TYPES : implied;
        }
        List<Object> names = type instanceof List<?> listed ? new ArrayList<>(listed) : List.of(type);
        List<String> types = new ArrayList<>();
        for (Object name : names) {
            if (!(name instanceof String text) || !TYPES.contains(text)) {
                throw refuse("'type' must be one of " + TYPES + ", not " + name, at);
            }
            if (!types.contains(text)) {
                types.add(text);
            }
        }
        if (types.isEmpty()) {
            throw refuse("'type' must not be an empty list", at);
        }
        return types;
    }

    /** Refuses a type keyword none of the schema's types uses, rather than ignoring it. */
    private void checkKeywordsFit(Map<String, Object> s, List<String> types, String at) {
        for (Map.Entry<String, Set<String>> entry : KEYWORDS_OF_TYPE.entrySet()) {
            String owner = entry.getKey();
            boolean used = types.contains(owner) || (owner.equals("integer") && types.contains("number"));
            for (String keyword : entry.getValue()) {
                if (s.containsKey(keyword) && !used) {
                    throw refuse("keyword '" + keyword + "' does not apply to type " + types, at);
                }
            }
        }
    }

    private void alone(String keyword, Set<String> constraints, String at) {
        for (String other : constraints) {
            if (!other.equals(keyword)) {
                throw refuse("keyword '" + other + "' beside '" + keyword + "' is not supported", at);
            }
        }
    }

    private GrammarExpr anyOf(List<Object> branches, String at) {
        if (branches.isEmpty()) {
            throw refuse("the list must not be empty", at);
        }
        List<GrammarExpr> options = new ArrayList<>();
        for (int i = 0; i < branches.size(); i++) {
            GrammarExpr option = schema(branches.get(i), at + "/" + i);
            if (option != null) {
                options.add(option);
            }
        }
        return alternation(options);
    }

    /** The values among {@code values} whose type the schema allows, each as its compact JSON text. */
    private GrammarExpr literals(List<Object> values, Map<String, Object> s, String at) {
        List<String> types = s.containsKey("type") ? types(s, at) : TYPES;
        Set<String> texts = new LinkedHashSet<>();
        for (Object value : values) {
            if (types.contains(typeOf(value)) || (typeOf(value).equals("integer") && types.contains("number"))) {
                texts.add(JsonText.of(value));
            }
        }
        return alternation(texts.stream().map(text -> (GrammarExpr) new Literal(text)).toList());
    }

    private static String typeOf(Object value) {
        return switch (value) {
            case null -> "null";
            case Map<?, ?> map -> "object";
            case List<?> list -> "array";
            case String text -> "string";
            case Boolean bool -> "boolean";
            case Number number -> {
                BigDecimal decimal = JsonText.decimal(number);
                yield decimal.stripTrailingZeros().scale() <= 0 ? "integer" : "number";
            }
            default -> "unknown";
        };
    }

    // ---- $ref and allOf -------------------------------------------------------------------------

    private GrammarExpr reference(Object ref, String at) {
        if (!(ref instanceof String pointer) || !pointer.startsWith("#")) {
            throw refuse("'$ref' must point inside the schema ('#/$defs/...'), not " + ref, at);
        }
        String rule = ruleOfPointer.get(pointer);
        if (rule == null) {
            rule = "ref" + ruleOfPointer.size() + "_" + pointer.substring(pointer.lastIndexOf('/') + 1)
                    .replaceAll("[^A-Za-z0-9_]", "_");
            ruleOfPointer.put(pointer, rule);
            rules.put(rule, new Literal(""));
            GrammarExpr target = schema(resolve(pointer, at), pointer);
            if (target == null) {
                throw refuse("'$ref' " + pointer + " admits no value", at);
            }
            rules.put(rule, target);
        }
        return new Ref(rule);
    }

    private Object resolve(String pointer, String at) {
        Object node = rootSchema;
        if (pointer.equals("#")) {
            return node;
        }
        if (!pointer.startsWith("#/")) {
            throw refuse("'$ref' must be a JSON pointer ('#/$defs/...'), not " + pointer, at);
        }
        for (String token : pointer.substring(2).split("/", -1)) {
            String key = token.replace("~1", "/").replace("~0", "~");
            if (node instanceof Map<?, ?> map && map.containsKey(key)) {
                node = map.get(key);
            } else if (node instanceof List<?> list && key.matches("\\d{1,9}") && Integer.parseInt(key) < list.size()) {
                node = list.get(Integer.parseInt(key));
            } else {
                throw refuse("'$ref' " + pointer + " points at nothing", at);
            }
        }
        return node;
    }

    /**
     * One object schema equivalent to {@code allOf} and the keywords beside it: the union of their
     * properties and required names. Only object schemas merge this way.
     */
    private Map<String, Object> allOf(Map<String, Object> s, String at) {
        List<Object> parts = new ArrayList<>(list(s.get("allOf"), "allOf", at));
        Map<String, Object> beside = new LinkedHashMap<>(s);
        beside.remove("allOf");
        parts.addFirst(beside);
        Map<String, Object> properties = new LinkedHashMap<>();
        Set<String> required = new LinkedHashSet<>();
        Object additional = null;
        for (int i = 0; i < parts.size(); i++) {
            String partAt = i == 0 ? at : at + "/allOf/" + (i - 1);
            Map<String, Object> part = dereference(parts.get(i), partAt);
            for (Map.Entry<String, Object> keyword : part.entrySet()) {
                switch (keyword.getKey()) {
                    case "type" -> {
                        if (!"object".equals(keyword.getValue())) {
                            throw refuse("'allOf' is supported for object schemas only", partAt);
                        }
                    }
                    case "properties" -> stringKeys(map(keyword.getValue(), "properties", partAt), partAt)
                            .forEach((name, schema) -> {
                                Object known = properties.putIfAbsent(name, schema);
                                if (known != null && !known.equals(schema)) {
                                    throw refuse("'allOf' gives property '" + name + "' two different schemas", partAt);
                                }
                            });
                    case "required" -> list(keyword.getValue(), "required", partAt).forEach(name -> required.add(
                            String.valueOf(name)));
                    case "additionalProperties" -> {
                        if (additional != null && !additional.equals(keyword.getValue())) {
                            throw refuse("'allOf' gives 'additionalProperties' two different values", partAt);
                        }
                        additional = keyword.getValue();
                    }
                    default -> {
                        if (!ANNOTATIONS.contains(keyword.getKey())) {
                            throw refuse("keyword '" + keyword.getKey() + "' inside 'allOf' is not supported"
                                    + " (only object schemas merge)", partAt);
                        }
                    }
                }
            }
        }
        Map<String, Object> merged = new LinkedHashMap<>();
        merged.put("type", "object");
        merged.put("properties", properties);
        merged.put("required", new ArrayList<>(required));
        if (additional != null) {
            if (!Boolean.TRUE.equals(additional)) {
                throw refuse("'allOf' with 'additionalProperties' other than true is not supported", at);
            }
            merged.put("additionalProperties", additional);
        }
        return merged;
    }

    private Map<String, Object> dereference(Object node, String at) {
        Set<Object> seen = new HashSet<>();
        while (node instanceof Map<?, ?> map && map.containsKey("$ref")) {
            if (!seen.add(map.get("$ref")) || !(map.get("$ref") instanceof String pointer)) {
                throw refuse("'allOf' refers to itself", at);
            }
            node = resolve(pointer, at);
        }
        if (!(node instanceof Map<?, ?> map)) {
            throw refuse("'allOf' is supported for object schemas only", at);
        }
        return stringKeys(map, at);
    }

    // ---- objects --------------------------------------------------------------------------------

    private GrammarExpr objectType(Map<String, Object> s, String at) {
        Map<String, Object> declared = s.containsKey("properties")
                ? stringKeys(map(s.get("properties"), "properties", at), at) : Map.of();
        Set<String> required = new LinkedHashSet<>();
        for (Object name : s.containsKey("required") ? list(s.get("required"), "required", at) : List.of()) {
            if (!(name instanceof String text)) {
                throw refuse("'required' must list strings", at);
            }
            required.add(text);
        }
        Object additional = s.getOrDefault("additionalProperties", Boolean.FALSE);
        GrammarExpr additionalValue = schema(additional, at + "/additionalProperties");

        List<GrammarExpr> members = new ArrayList<>();
        List<Boolean> mandatory = new ArrayList<>();
        Map<String, Object> properties = new LinkedHashMap<>(declared);
        for (String name : required) {
            if (!properties.containsKey(name)) {
                if (additionalValue == null) {
                    throw refuse("required property '" + name + "' is not among the properties", at);
                }
                properties.put(name, additional);
            }
        }
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            GrammarExpr value = schema(property.getValue(), at + "/properties/" + property.getKey());
            if (value == null) {
                if (required.contains(property.getKey())) {
                    throw refuse("required property '" + property.getKey() + "' admits no value", at);
                }
                continue;
            }
            members.add(member(new Literal("\"" + JsonLexicon.escape(property.getKey()) + "\""), value));
            mandatory.add(required.contains(property.getKey()));
        }
        GrammarExpr extra = additionalValue == null ? null
                : member(define(fresh("key"), keyOtherThan(properties.keySet())), additionalValue);
        return define(fresh("object"), seq(new Literal("{"), whitespace, members(members, mandatory, extra),
                new Literal("}")));
    }

    /** {@code "key" ws ":" ws value ws}: a member and the whitespace after it. */
    private GrammarExpr member(GrammarExpr key, GrammarExpr value) {
        return seq(key, whitespace, new Literal(":"), whitespace, value, whitespace);
    }

    /**
     * The members between the braces: each declared one in order (optional ones may be left out),
     * then any number of extra ones, with commas exactly between them.
     */
    private GrammarExpr members(List<GrammarExpr> members, List<Boolean> mandatory, GrammarExpr extra) {
        String name = fresh("members");
        GrammarExpr comma = seq(new Literal(","), whitespace);
        // after[i]: what may follow once some member before i was written (each item led by a comma).
        GrammarExpr after = extra == null ? new Literal("") : new Repeat(seq(comma, extra), 0, Repeat.UNBOUNDED);
        // first[i]: what may stand from member i on when no member was written yet.
        GrammarExpr first = extra == null ? new Literal("")
                : new Repeat(seq(extra, new Repeat(seq(comma, extra), 0, Repeat.UNBOUNDED)), 0, 1);
        for (int i = members.size() - 1; i >= 0; i--) {
            GrammarExpr tail = define(name + "_after" + i, after);
            GrammarExpr withComma = seq(comma, members.get(i), tail);
            GrammarExpr leading = seq(members.get(i), tail);
            if (mandatory.get(i)) {
                after = withComma;
                first = leading;
            } else {
                after = new Alternation(List.of(withComma, tail));
                first = new Alternation(List.of(leading, define(name + "_first" + i, first)));
            }
        }
        return first;
    }

    /**
     * A JSON string key other than {@code names}, written without escapes: a walk down the trie of
     * the names that leaves it, or stops short of a name's end.
     */
    private GrammarExpr keyOtherThan(Set<String> names) {
        String prefix = fresh("other_key");
        Trie trie = new Trie();
        names.forEach(trie::add);
        return seq(new Literal("\""), trie.complement(prefix), new Literal("\""));
    }

    /** The trie of excluded names, turned into rules for "any plain string but these". */
    private final class Trie {
        private final TreeMap<Integer, Trie> children = new TreeMap<>();
        private boolean end;

        void add(String name) {
            Trie node = this;
            for (int c : name.codePoints().toArray()) {
                node = node.children.computeIfAbsent(c, k -> new Trie());
            }
            node.end = true;
        }

        GrammarExpr complement(String rule) {
            List<GrammarExpr> options = new ArrayList<>();
            if (!end) {
                options.add(new Literal(""));
            }
            List<Integer> plainChildren = new ArrayList<>();
            int index = 0;
            for (Map.Entry<Integer, Trie> child : children.entrySet()) {
                if (JsonLexicon.PLAIN_CHAR.matches(child.getKey())) {
                    plainChildren.add(child.getKey());
                    options.add(seq(new Literal(Character.toString(child.getKey())),
                            child.getValue().complement(rule + "_" + index++)));
                }
            }
            options.add(seq(JsonLexicon.plainCharExcept(plainChildren),
                    new Repeat(JsonLexicon.PLAIN_CHAR, 0, Repeat.UNBOUNDED)));
            return define(rule, alternation(options));
        }
    }

    // ---- arrays ---------------------------------------------------------------------------------

    private GrammarExpr arrayType(Map<String, Object> s, String at) {
        List<Object> prefix = s.containsKey("prefixItems") ? list(s.get("prefixItems"), "prefixItems", at) : List.of();
        if (s.get("items") instanceof List<?>) {
            throw refuse("'items' must be a schema; use 'prefixItems' for a list of schemas", at);
        }
        Object itemsSchema = s.containsKey("items") ? s.get("items") : prefix.isEmpty();
        GrammarExpr item = schema(itemsSchema, at + "/items");
        int min = count(s, "minItems", 0, at);
        int max = count(s, "maxItems", Repeat.UNBOUNDED, at);
        List<GrammarExpr> slots = new ArrayList<>();
        for (int i = 0; i < prefix.size(); i++) {
            GrammarExpr slot = schema(prefix.get(i), at + "/prefixItems/" + i);
            if (slot == null) {
                // No value fits this position, so the array ends before it.
                item = null;
                break;
            }
            slots.add(slot);
        }
        int most = item == null ? slots.size() : Repeat.UNBOUNDED;
        if (max == Repeat.UNBOUNDED || (most != Repeat.UNBOUNDED && most < max)) {
            max = most;
        }
        if (max != Repeat.UNBOUNDED && min > max) {
            throw refuse("the array schema admits no value ('minItems' " + min + " is more than the items it allows)", at);
        }
        GrammarExpr comma = seq(new Literal(","), whitespace);
        // Elements after the prefix: items, each led by a comma.
        int extraMin = Math.max(0, min - slots.size());
        int extraMax = max == Repeat.UNBOUNDED ? Repeat.UNBOUNDED : Math.max(0, max - slots.size());
        GrammarExpr elements;
        if (slots.isEmpty()) {
            elements = extraMax == 0 ? new Literal("") : seq(item, whitespace, new Repeat(seq(comma, item, whitespace),
                    Math.max(0, extraMin - 1), extraMax == Repeat.UNBOUNDED ? Repeat.UNBOUNDED : extraMax - 1));
            if (extraMin == 0 && extraMax != 0) {
                elements = new Repeat(elements, 0, 1);
            }
        } else {
            elements = extraMax == 0 ? new Literal("") : new Repeat(seq(comma, item, whitespace), extraMin, extraMax);
            for (int i = Math.min(slots.size(), max == Repeat.UNBOUNDED ? slots.size() : max) - 1; i >= 0; i--) {
                GrammarExpr element = seq(i == 0 ? null : comma, slots.get(i), whitespace, elements);
                elements = i < min ? element : new Repeat(element, 0, 1);
            }
        }
        return define(fresh("array"), seq(new Literal("["), whitespace, elements, new Literal("]")));
    }

    // ---- strings and numbers ----------------------------------------------------------------------

    private GrammarExpr stringType(Map<String, Object> s, String at) {
        int min = count(s, "minLength", 0, at);
        int max = count(s, "maxLength", Repeat.UNBOUNDED, at);
        if (max != Repeat.UNBOUNDED && min > max) {
            throw refuse("'minLength' is more than 'maxLength'", at);
        }
        boolean counted = s.containsKey("minLength") || s.containsKey("maxLength");
        if (s.containsKey("format")) {
            if (!(s.get("format") instanceof String format) || StringFormats.content(format) == null) {
                throw refuse("format '" + s.get("format") + "' is not supported (supported: "
                        + new TreeSet<>(StringFormats.names()) + ")", at);
            }
            if (counted || s.containsKey("pattern")) {
                throw refuse("'format' beside 'minLength', 'maxLength' or 'pattern' is not supported", at);
            }
            return seq(new Literal("\""), StringFormats.content(format), new Literal("\""));
        }
        if (s.containsKey("pattern")) {
            if (counted) {
                throw refuse("'pattern' beside 'minLength' or 'maxLength' is not supported", at);
            }
            if (!(s.get("pattern") instanceof String pattern)) {
                throw refuse("'pattern' must be a string", at);
            }
            GrammarExpr content;
            try {
                content = JsonStringContent.of(pattern(pattern, at));
            } catch (IllegalArgumentException e) {
                throw refuse("'pattern' " + pattern + " cannot be written in a JSON string: " + e.getMessage(), at);
            }
            return seq(new Literal("\""), content, new Literal("\""));
        }
        if (!counted) {
            return define("string", seq(new Literal("\""), new Repeat(define("char", JsonLexicon.stringChar()), 0,
                    Repeat.UNBOUNDED), new Literal("\"")));
        }
        return seq(new Literal("\""), new Repeat(define("char", JsonLexicon.stringChar()), min, max), new Literal("\""));
    }

    /**
     * The full matches of {@code pattern}. A JSON Schema pattern matches anywhere in the string;
     * its full matches are a part of that, and the part a model asked for such a string means.
     */
    private GrammarExpr pattern(String pattern, String at) {
        try {
            return RegexParser.expression(pattern);
        } catch (GrammarException e) {
            throw refuse("'pattern' " + pattern + " cannot be enforced: " + e.getMessage(), at);
        }
    }

    private GrammarExpr integerType(Map<String, Object> s, String at) {
        BigInteger min = bound(s, "minimum", at, RoundingMode.CEILING);
        BigInteger max = bound(s, "maximum", at, RoundingMode.FLOOR);
        BigInteger exclusiveMin = bound(s, "exclusiveMinimum", at, RoundingMode.FLOOR);
        BigInteger exclusiveMax = bound(s, "exclusiveMaximum", at, RoundingMode.CEILING);
        if (exclusiveMin != null) {
            min = max(min, exclusiveMin.add(BigInteger.ONE));
        }
        if (exclusiveMax != null) {
            BigInteger below = exclusiveMax.subtract(BigInteger.ONE);
            max = max == null || below.compareTo(max) < 0 ? below : max;
        }
        if (min == null && max == null) {
            return define("integer", IntegerRange.any());
        }
        List<GrammarExpr> options = IntegerRange.between(min, max);
        if (options.isEmpty()) {
            throw refuse("no integer lies between 'minimum' " + min + " and 'maximum' " + max, at);
        }
        return alternation(options);
    }

    private GrammarExpr numberType(Map<String, Object> s, String at) {
        for (String keyword : KEYWORDS_OF_TYPE.get("integer")) {
            if (s.containsKey(keyword)) {
                throw refuse("keyword '" + keyword + "' is supported for type integer only, not number", at);
            }
        }
        return define("number", JsonLexicon.number());
    }

    private static BigInteger max(BigInteger a, BigInteger b) {
        return a == null ? b : a.max(b);
    }

    private BigInteger bound(Map<String, Object> s, String keyword, String at, RoundingMode rounding) {
        Object value = s.get(keyword);
        if (value == null) {
            return null;
        }
        if (!(value instanceof Number number)) {
            throw refuse("'" + keyword + "' must be a number", at);
        }
        BigDecimal decimal = JsonText.decimal(number);
        if (decimal.precision() - decimal.scale() > MAX_BOUND_DIGITS) {
            throw refuse("'" + keyword + "' has more than " + MAX_BOUND_DIGITS + " digits", at);
        }
        if (decimal.abs().compareTo(BigDecimal.ONE) < 0) {
            // Rounded by sign alone: setScale on 1e-99999999 would take minutes.
            int up = rounding == RoundingMode.CEILING ? 1 : 0;
            return BigInteger.valueOf(decimal.signum() > 0 ? up : decimal.signum() < 0 ? up - 1 : 0);
        }
        return decimal.setScale(0, rounding).toBigIntegerExact();
    }

    private int count(Map<String, Object> s, String keyword, int absent, String at) {
        Object value = s.get(keyword);
        if (value == null) {
            return absent;
        }
        if (!(value instanceof Number number) || typeOf(number).equals("number") || JsonText.decimal(number).signum() < 0) {
            throw refuse("'" + keyword + "' must be a non-negative integer", at);
        }
        BigDecimal decimal = JsonText.decimal(number);
        if (decimal.compareTo(BigDecimal.valueOf(MAX_COUNT)) > 0) {
            throw refuse("'" + keyword + "' above " + MAX_COUNT + " is not supported", at);
        }
        return decimal.intValueExact();
    }

    // ---- any JSON -------------------------------------------------------------------------------

    /** Any JSON value, with the rules {@code any_value}, {@code any_object} and {@code any_array}. */
    private GrammarExpr anyValue() {
        if (!rules.containsKey("any_value")) {
            rules.put("any_value", new Literal(""));
            GrammarExpr string = define("string", seq(new Literal("\""),
                    new Repeat(define("char", JsonLexicon.stringChar()), 0, Repeat.UNBOUNDED), new Literal("\"")));
            GrammarExpr value = new Ref("any_value");
            GrammarExpr comma = seq(new Literal(","), whitespace);
            GrammarExpr member = member(string, value);
            define("any_object", seq(new Literal("{"), whitespace,
                    new Repeat(seq(member, new Repeat(seq(comma, member), 0, Repeat.UNBOUNDED)), 0, 1),
                    new Literal("}")));
            GrammarExpr element = seq(value, whitespace);
            define("any_array", seq(new Literal("["), whitespace,
                    new Repeat(seq(element, new Repeat(seq(comma, element), 0, Repeat.UNBOUNDED)), 0, 1),
                    new Literal("]")));
            rules.put("any_value", new Alternation(List.of(new Ref("any_object"), new Ref("any_array"), string,
                    define("number", JsonLexicon.number()), new Literal("true"), new Literal("false"),
                    new Literal("null"))));
        }
        return new Ref("any_value");
    }

    // ---- helpers ----------------------------------------------------------------------------------

    /** Defines a rule (once per name) and returns a reference to it. */
    private GrammarExpr define(String name, GrammarExpr expr) {
        rules.putIfAbsent(name, expr);
        if (rules.size() > MAX_RULES) {
            throw refuse("the JSON schema is too large (it compiles to more than " + MAX_RULES + " rules)", "#");
        }
        return new Ref(name);
    }

    private String fresh(String stem) {
        return stem + names++;
    }

    /** A sequence of the non-null items. */
    private static GrammarExpr seq(GrammarExpr... items) {
        List<GrammarExpr> present = Arrays.stream(items).filter(Objects::nonNull).toList();
        return present.size() == 1 ? present.getFirst() : new Sequence(present);
    }

    /** The options as one expression, or null when there is none. */
    private static GrammarExpr alternation(List<GrammarExpr> options) {
        return switch (options.size()) {
            case 0 -> null;
            case 1 -> options.getFirst();
            default -> new Alternation(options);
        };
    }

    private Map<String, Object> stringKeys(Map<?, ?> map, String at) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((key, value) -> out.put(String.valueOf(key), value));
        return out;
    }

    private Map<?, ?> map(Object value, String keyword, String at) {
        if (!(value instanceof Map<?, ?> map)) {
            throw refuse("'" + keyword + "' must be an object", at);
        }
        return map;
    }

    private List<Object> list(Object value, String keyword, String at) {
        if (!(value instanceof List<?> list)) {
            throw refuse("'" + keyword + "' must be a list", at);
        }
        return new ArrayList<>(list);
    }

    private InvalidRequestException refuse(String reason, String at) {
        return new InvalidRequestException("Invalid JSON schema in " + field + " at " + at + ": " + reason + ".", field);
    }
}
