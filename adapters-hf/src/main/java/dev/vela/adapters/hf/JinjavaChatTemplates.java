package dev.vela.adapters.hf;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.el.JinjavaProcessors;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.MacroTagCycleException;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.tree.Node;
import dev.vela.application.port.out.ChatTemplates;
import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.chat.ChatTemplate;
import dev.vela.domain.chat.ToolCall;
import dev.vela.domain.error.InvalidRequestException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import jinjava.javax.el.CompositeELResolver;

/**
 * Renders conversations with a Hugging Face chat template through Jinjava, the way transformers'
 * {@code apply_chat_template} does with jinja2: {@code trim_blocks} and {@code lstrip_blocks}, the
 * variables {@code messages}, {@code add_generation_prompt}, {@code tools}, {@code bos_token},
 * {@code eos_token} and every {@code chat_template_kwargs} entry, a {@code raise_exception}
 * function, and {@code continue_final_message} by cutting the prompt after the last message. The
 * model's template is parsed once; rendering is thread-safe. Every failure is an
 * {@link InvalidRequestException}.
 *
 * <p>Templates, the model's and a request's alike, run sandboxed as transformers' run in jinja2's
 * {@code ImmutableSandboxedEnvironment}: no other template can be loaded ({@link NoTemplateLoader}),
 * a template sees Python's methods and never a Java object's ({@link PythonMethods}), and a render
 * is bounded in nesting, macro recursion, output, collection sizes and work
 * ({@link BudgetedInterpreter}), so that no template can read the server's files, reach Java, or
 * keep a core or the heap busy; each refusal fails the render like any template error.
 */
public final class JinjavaChatTemplates implements ChatTemplates {

    /** The most characters a render may output, and the longest string it may build. */
    static final long MAX_OUTPUT_CHARS = 16L << 20;
    /** Nodes rendered plus loop iterations; a long conversation through a real template takes thousands. */
    static final long WORK_BUDGET = 5_000_000;
    /** Blocks inside blocks, and brackets inside an expression ({@link TemplateNesting}). */
    static final int MAX_NESTING = 100;
    /** Calls of one macro inside itself. */
    static final int MAX_MACRO_RECURSION = 100;
    /** Elements of a list or map a template builds or is given: jinja2's sandbox limit for range(). */
    static final int MAX_COLLECTION_SIZE = PythonRange.MAX_RANGE;
    /** Jinjava's name for the interpreter inside expressions; a template naming it would reach Java. */
    private static final String INTERPRETER_NAME = "____int3rpr3t3r____";
    private static final String TOO_DEEP = "the template is nested too deeply";

    private final ChatTemplate modelTemplate;
    private final Jinjava jinjava;
    private final ParsedTemplate parsedModelTemplate;

    /**
     * The renderer for a model's template; for a model without one, a renderer that refuses chat
     * requests with vLLM's message (transformers no longer has a default template).
     */
    public static ChatTemplates forModel(Optional<ChatTemplate> modelTemplate) {
        return modelTemplate.<ChatTemplates>map(JinjavaChatTemplates::new).orElse((messages, options) -> {
            throw new InvalidRequestException("As of transformers v4.44, default chat template is no longer allowed, "
                    + "so you must provide a chat template if the tokenizer does not define one.", "chat_template");
        });
    }

    public JinjavaChatTemplates(ChatTemplate modelTemplate) {
        this.modelTemplate = modelTemplate;
        this.jinjava = newJinjava();
        this.parsedModelTemplate = parse(modelTemplate.source(), TemplateOrigin.MODEL);
    }

    @Override
    public String render(List<ChatMessage> messages, ChatRenderOptions options) {
        String requestTemplate = options.requestTemplate();
        ParsedTemplate template = requestTemplate == null
                ? parsedModelTemplate
                : parse(requestTemplate, TemplateOrigin.REQUEST);
        String prompt = template.render(variables(messages, options));
        return options.continueFinalMessage() ? FinalMessageContinuation.cut(prompt, messages) : prompt;
    }

    private Map<String, Object> variables(List<ChatMessage> messages, ChatRenderOptions options) {
        Map<String, Object> variables = new HashMap<>();
        variables.put("messages", messages.stream().map(JinjavaChatTemplates::templateMessage).toList());
        variables.put("add_generation_prompt", options.addGenerationPrompt());
        if (!options.tools().isEmpty()) {
            variables.put("tools", options.tools());
        }
        variables.put("bos_token", modelTemplate.bosToken());
        variables.put("eos_token", modelTemplate.eosToken());
        // transformers passes the caller's keyword arguments last, so they win over the special tokens;
        // a null value stays, as Python's None. The template itself is an argument, not a variable.
        variables.putAll(options.templateKwargs());
        variables.remove(ChatRenderOptions.TEMPLATE_KWARG);
        return variables;
    }

    /** A message as the template sees it: OpenAI's field names, only the fields the message has. */
    private static Map<String, Object> templateMessage(ChatMessage message) {
        Map<String, Object> fields = new LinkedHashMap<>(message.extra());
        fields.put("role", message.role().name());
        fields.put("content", message.content());
        if (!message.toolCalls().isEmpty()) {
            fields.put("tool_calls", message.toolCalls().stream().map(JinjavaChatTemplates::templateToolCall).toList());
        }
        if (message.name() != null) {
            fields.put("name", message.name());
        }
        if (message.toolCallId() != null) {
            fields.put("tool_call_id", message.toolCallId());
        }
        return fields;
    }

    private static Map<String, Object> templateToolCall(ToolCall call) {
        Map<String, Object> function = new LinkedHashMap<>();
        function.put("name", call.functionName());
        function.put("arguments", ToolCallArguments.of(call.arguments()));
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("id", call.id());
        fields.put("type", call.type());
        fields.put("function", function);
        return fields;
    }

    private static Jinjava newJinjava() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonMethods(MAX_OUTPUT_CHARS));
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                // Jinjava would otherwise render template syntax found inside a message's text.
                .withNestedInterpretationEnabled(false)
                .withElResolver(resolver)
                // Jinjava's own filters that jinja2 lacks and that reach beyond the template: ipaddr and
                // its kin resolve addresses, render parses text as a template.
                .withDisabled(Map.of(Context.Library.FILTER, Set.of("ipaddr", "ipv4", "ipv6", "render")))
                .withMaxOutputSize(MAX_OUTPUT_CHARS)
                .withMaxStringLength(MAX_OUTPUT_CHARS)
                .withMaxListSize(MAX_COLLECTION_SIZE)
                .withMaxMapSize(MAX_COLLECTION_SIZE)
                // jinja2 allows recursive macros (templates render nested JSON schemas with them).
                .withEnableRecursiveMacroCalls(true)
                .withMaxMacroRecursionDepth(MAX_MACRO_RECURSION)
                .withProcessors(JinjavaProcessors.newBuilder()
                        .withNodePreProcessor((node, interpreter) -> BudgetedInterpreter.spend(interpreter))
                        .build())
                // jinja2's behaviour where Jinjava has a choice. Not useNaturalOperatorPrecedence: it
                // reads `not x is defined` as `(not x) is defined`, which breaks R1's first line.
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withEvaluateMapKeys(true)
                        .withIterateOverMapKeys(true)
                        .withUsePyishObjectMapper(true)
                        .withUseTrimmingForNotesAndExpressions(true)
                        .withParseWhitespaceControlStrictly(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                .build();
        Jinjava jinjava = new Jinjava(config);
        jinjava.setResourceLocator(new NoTemplateLoader());
        jinjava.getGlobalContext().registerTag(new BudgetedForTag());
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "range",
                PythonRange.class, "range", Object.class, Object[].class));
        jinjava.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                TemplateRaisedException.class, "raise", String.class));
        jinjava.getGlobalContext().registerFilter(new PythonJsonFilter(MAX_OUTPUT_CHARS));
        for (String sized : List.of("center", "indent", "batch", "slice", "format")) {
            jinjava.getGlobalContext().registerFilter(
                    new WidthBoundedFilter(jinjava.getGlobalContext().getFilter(sized), MAX_COLLECTION_SIZE));
        }
        return jinjava;
    }

    private ParsedTemplate parse(String source, TemplateOrigin origin) {
        if (source.contains(INTERPRETER_NAME)) {
            throw origin.failure("'" + INTERPRETER_NAME + "' is a reserved name", -1);
        }
        JinjavaInterpreter parser = jinjava.newInterpreter();
        JinjavaInterpreter.pushCurrent(parser);
        try {
            String jinja2Source = asJinja2Reads(source);
            TemplateNesting.checkExpressions(jinja2Source, MAX_NESTING);
            Node root = parser.parse(jinja2Source);
            TemplateNesting.checkBlocks(root, MAX_NESTING);
            return new ParsedTemplate(root, parser.getErrorsCopy(), origin);
        } catch (StackOverflowError e) {
            throw origin.failure(TOO_DEEP, -1);
        } catch (RuntimeException e) {
            throw origin.failure(e.getMessage(), -1);
        } finally {
            JinjavaInterpreter.popCurrent();
        }
    }

    /**
     * jinja2 turns every line ending into {@code \n} and drops one newline at the end of the
     * source ({@code keep_trailing_newline=False}); templates saved as files usually end in one.
     */
    private static String asJinja2Reads(String source) {
        String normalized = source.replace("\r\n", "\n").replace('\r', '\n');
        return normalized.endsWith("\n") ? normalized.substring(0, normalized.length() - 1) : normalized;
    }

    /** Where a template came from, which decides the request field an error blames. */
    private enum TemplateOrigin {
        MODEL(null, "The model's chat template"),
        REQUEST("chat_template", "The request's chat_template");

        private final String param;
        private final String description;

        TemplateOrigin(String param, String description) {
            this.param = param;
            this.description = description;
        }

        InvalidRequestException failure(String problem, int line) {
            return new InvalidRequestException(description + " failed to render: " + problem
                    + (line > 0 ? " (template line " + line + ")" : ""), param);
        }
    }

    /** A parsed template; the tree is only read while rendering, so one tree serves all threads. */
    private final class ParsedTemplate {

        private final Node root;
        private final List<TemplateError> parseErrors;
        private final TemplateOrigin origin;

        ParsedTemplate(Node root, List<TemplateError> parseErrors, TemplateOrigin origin) {
            this.root = root;
            this.parseErrors = parseErrors;
            this.origin = origin;
        }

        String render(Map<String, Object> variables) {
            failOnErrors(parseErrors);
            Context context = new KnownNamesContext(jinjava.getGlobalContextCopy(), variables,
                    jinjava.getGlobalConfig().getDisabled());
            JinjavaInterpreter interpreter = new BudgetedInterpreter(jinjava, context, jinjava.getGlobalConfig(),
                    WORK_BUDGET, MAX_OUTPUT_CHARS);
            JinjavaInterpreter.pushCurrent(interpreter);
            String output;
            try {
                output = interpreter.render(root);
            } catch (StackOverflowError e) {
                // Expressions nest too (`((((x))))`, `1 + 1 + ... + 1`), and Jinjava evaluates them recursively.
                throw origin.failure(TOO_DEEP, -1);
            } catch (RuntimeException e) {
                throw failure(e, -1);
            } finally {
                JinjavaInterpreter.popCurrent();
            }
            failOnErrors(interpreter.getErrorsCopy());
            return output;
        }

        /**
         * Jinjava records errors instead of throwing, and goes on rendering after them; any fatal
         * error, any syntax error (a stray {@code endif} is only a warning to Jinjava), and a macro
         * past its recursion limit (also a warning) fails.
         */
        private void failOnErrors(List<TemplateError> errors) {
            for (TemplateError error : errors) {
                if (error.getSeverity() == TemplateError.ErrorType.FATAL
                        || error.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR
                        || error.getException() instanceof MacroTagCycleException) {
                    throw failure(error.getException(), error.getLineno(), error.getMessage());
                }
            }
        }

        private InvalidRequestException failure(Throwable cause, int line) {
            return failure(cause, line, cause.getMessage());
        }

        private InvalidRequestException failure(Throwable cause, int line, String message) {
            for (Throwable c = cause; c != null; c = c.getCause()) {
                if (c instanceof TemplateRaisedException raised) {
                    // The template's own words are the error, as transformers reports raise_exception.
                    return new InvalidRequestException(raised.getMessage(), "messages");
                }
                if (c instanceof TemplateSandboxException refused) {
                    return origin.failure(refused.getMessage(), line);
                }
            }
            return origin.failure(message, line);
        }
    }
}
