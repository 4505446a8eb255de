package dev.vela.adapters.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.chat.ChatTemplate;
import dev.vela.domain.error.InvalidRequestException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Templates run sandboxed, as transformers' do in jinja2's ImmutableSandboxedEnvironment: each
 * thing a hostile request template might try is refused as a client error naming
 * {@code chat_template}, and the same renderer goes on rendering.
 */
class ChatTemplateSandboxTest {

    private static final JinjavaChatTemplates TEMPLATES =
            new JinjavaChatTemplates(new ChatTemplate("{% for m in messages %}[{{ m.content }}]{% endfor %}", "<s>", "</s>"));

    @ParameterizedTest
    @ValueSource(strings = {
            "{% include 'META-INF/microprofile-config.properties' %}",
            "{% include '/etc/passwd' %}",
            "{% import 'META-INF/beans.xml' as m %}x",
            "{% from 'META-INF/beans.xml' import m %}x",
            "{% extends 'META-INF/microprofile-config.properties' %}x"})
    void noTemplateCanLoadAnotherTemplate(String template) {
        InvalidRequestException e = refused(template);

        assertTrue(e.getMessage().contains("chat templates cannot include, import or extend other templates"),
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{ \"{% include 'x' %}\" | render }}", "{{ 'localhost' | ipaddr }}",
            "{{ '127.0.0.1' | ipv4 }}", "{{ '::1' | ipv6 }}"})
    void jinjavasFiltersThatReachBeyondTheTemplateAreDisabled(String template) {
        InvalidRequestException e = refused(template);

        assertTrue(e.getMessage().contains("disabled"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{{ messages.getClass() }}",
            "{{ ''.getClass().forName('java.lang.Runtime') }}",
            "{{ messages[0].getClass().getClassLoader() }}",
            "{{ messages[0].content.getBytes() }}",
            "{{ 'x'.repeat(3) }}",
            "{{ messages[0].put('role', 'system') }}",
            "{{ messages.add(1) }}",
            "{{ loop_var.getClass() if false else namespace(a=1).getClass() }}",
            "{% for m in messages %}{{ loop.getClass() }}{% endfor %}"})
    void javaMethodsAreNotReachable(String template) {
        InvalidRequestException e = refused(template);

        assertTrue(e.getMessage().contains("object' has no attribute '"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{ 'x'.__class__ }}", "{{ 'x'.class }}", "{{ 'x'.bytes }}", "{{ messages.class }}",
            "{{ messages.size }}", "{% for m in messages %}{{ loop.class }}{% endfor %}", "{{ (1).class }}"})
    void javaPropertiesAreUndefined(String template) {
        assertEquals("", render(template));
    }

    @Test
    void jinjavasInterpreterCannotBeNamed() {
        InvalidRequestException e = refused("{{ ____int3rpr3t3r____.context }}");

        assertTrue(e.getMessage().contains("reserved name"), e.getMessage());
    }

    @Test
    void pythonMethodsStillWork() {
        assertEquals("a-b|Hi There|2|1|role=user;content=hi;|['role', 'content']|x,y", render(
                "{{ 'a b'.replace(' ', '-') }}|{{ 'hi there'.title() }}|{{ 'abcb'.count('b') }}|{{ 'abc'.find('b') }}"
                        + "|{% for k, v in messages[0].items() %}{{ k }}={{ v }};{% endfor %}|{{ messages[0].keys() }}"
                        + "|{{ ','.join(['x', 'y']) }}"));
    }

    @Test
    void loopPropertiesAndCycleStillWork() {
        assertEquals("1a2b", render("{% for x in [1, 2] %}{{ loop.index }}{{ loop.cycle('a', 'b') }}{% endfor %}"));
    }

    @Test
    void anUnknownFilterIsAnErrorAsInJinja2() {
        InvalidRequestException e = refused("{{ messages[0].content | nosuchfilter }}");

        assertTrue(e.getMessage().contains("No filter named 'nosuchfilter'."), e.getMessage());
    }

    @Test
    void anUnknownTestIsAnErrorAsInJinja2() {
        InvalidRequestException e = refused("{{ 'y' if messages is nosuchtest }}");

        assertTrue(e.getMessage().contains("No test named 'nosuchtest'."), e.getMessage());
    }

    @Test
    void undefinedAttributeChainsRenderEmptyAsInJinja2() {
        assertEquals("||", render("{{ nope.nope }}|{{ messages[99]['x'] }}|{{ messages[0].nope.nope }}"));
    }

    @Test
    void aMacroRecursingWithoutEndIsRefused() {
        InvalidRequestException e = refused("{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(0) }}");

        assertTrue(e.getMessage().contains("Max recursion limit of " + JinjavaChatTemplates.MAX_MACRO_RECURSION),
                e.getMessage());
    }

    @Test
    void aMacroRecursingWithinTheLimitRendersAsInJinja2() {
        assertEquals("3210", render("{% macro down(n) %}{{ n }}{% if n > 0 %}{{ down(n - 1) }}{% endif %}{% endmacro %}"
                + "{{ down(3) }}"));
    }

    @Test
    void blocksNestedTooDeeplyAreRefusedWithoutOverflowingTheStack() {
        int depth = 5_000;
        String template = "{% if true %}".repeat(depth) + "x" + "{% endif %}".repeat(depth);

        InvalidRequestException e = refused(template);

        assertTrue(e.getMessage().contains("nested too deeply"), e.getMessage());
    }

    @Test
    void blocksNestedAsDeepAsJinja2AllowsRender() {
        int depth = JinjavaChatTemplates.MAX_NESTING - 1;

        assertEquals("x", render("{% if true %}".repeat(depth) + "x" + "{% endif %}".repeat(depth)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"(", "[", "{'a': ", "f("})
    void bracketsNestedTooDeeplyAreRefusedBeforeParsing(String open) {
        String close = switch (open) {
            case "[" -> "]";
            case "{'a': " -> "}";
            default -> ")";
        };
        InvalidRequestException e = refused("{{ " + open.repeat(5_000) + "1" + close.repeat(5_000) + " }}");

        assertTrue(e.getMessage().contains("nested too deeply"), e.getMessage());
    }

    @Test
    void bracketsNestedAsDeepAsAllowedRender() {
        int depth = JinjavaChatTemplates.MAX_NESTING;

        assertEquals("1", render("{{ " + "(".repeat(depth) + "1" + ")".repeat(depth) + " }}"));
    }

    @Test
    void bracketsInStringsAndTextDoNotCount() {
        String many = "(".repeat(500);

        assertEquals(many + "|" + many, render(many + "|{{ '" + many + "' }}"));
    }

    /** Helidon runs handlers on virtual threads, whose stacks differ from a platform thread's. */
    @Test
    void deepNestingIsRefusedOnAVirtualThreadToo() throws Exception {
        try (ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            for (String template : List.of("{% if true %}".repeat(5_000) + "{% endif %}".repeat(5_000),
                    "{{ " + "(".repeat(5_000) + "1" + ")".repeat(5_000) + " }}",
                    "{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(0) }}")) {
                InvalidRequestException e = virtual.submit(() -> refused(template)).get();

                assertEquals("chat_template", e.param());
            }
        }
        assertEquals("[hi]", render(null));
    }

    @Test
    void loopsThatRenderNothingStillRunOutOfWork() {
        InvalidRequestException e = refused(
                "{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
                        + "{% endfor %}{% endfor %}{% endfor %}");

        assertTrue(e.getMessage().contains("steps"), e.getMessage());
    }

    @Test
    void aRangeLargerThanJinja2sSandboxAllowsIsRefusedWithItsError() {
        InvalidRequestException e = refused("{{ range(100001) | length }}");

        assertTrue(e.getMessage().contains("Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000)."),
                e.getMessage());
    }

    @Test
    void rangeCountsAsPythonsDoes() {
        assertEquals("[0, 1, 2]|[2, 3]|[10, 7, 4, 1]|[]|100000", render(
                "{{ range(3) }}|{{ range(2, 4) }}|{{ range(10, 0, -3) }}|{{ range(5, 1) }}|{{ range(100000) | length }}"));
    }

    @Test
    void outputIsBounded() {
        String megabyte = "x".repeat(1 << 20);

        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> TEMPLATES.render(
                List.of(ChatMessage.user(megabyte)), new ChatRenderOptions(true, false, Map.of(), List.of(),
                        "{% for a in range(100) %}{{ messages[0].content }}{% endfor %}")));

        assertEquals("chat_template", e.param());
    }

    @Test
    void aStringDoubledInALoopStopsAtTheOutputLimit() {
        InvalidRequestException e = refused("{% set s = 'x' %}{% for i in range(40) %}{% set s = s ~ s %}{% endfor %}{{ s | length }}");

        assertTrue(e.getMessage().contains("longer than " + JinjavaChatTemplates.MAX_OUTPUT_CHARS), e.getMessage());
    }

    @Test
    void aListDoubledInALoopStopsAtTheCollectionLimit() {
        InvalidRequestException e = refused("{% set s = [1] %}{% for i in range(40) %}{% set s = s + s %}{% endfor %}{{ s | length }}");

        assertTrue(e.getMessage().contains("maximum size of " + JinjavaChatTemplates.MAX_COLLECTION_SIZE), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"{{ 'x' | center(2000000000) }}", "{{ '%02000000000d' | format(1) }}",
            "{{ 'a\\nb' | indent(2000000000) }}", "{{ [1] | batch(2000000000, 0) | list }}",
            "{{ messages | tojson(indent=2000000000) }}", "{{ 'ab'.replace('', messages[0].content * 0 ~ 'x') }}",
            "{% set s = 'x' %}{% for i in range(25) %}{% set s = s.replace('x', 'xx') %}{% endfor %}"})
    void filtersAndMethodsThatSizeTheirResultAreBounded(String template) {
        assertEquals("chat_template", refusedOrRendered(template));
    }

    @Test
    void aSandboxRefusalOfTheModelsTemplateNamesNoRequestField() {
        JinjavaChatTemplates model = new JinjavaChatTemplates(new ChatTemplate("{% include 'x' %}", "", ""));

        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> model.render(List.of(ChatMessage.user("hi")), ChatRenderOptions.defaults()));

        assertEquals(null, e.param());
        assertTrue(e.getMessage().startsWith("The model's chat template failed to render: "), e.getMessage());
    }

    @Test
    void theRendererServesTheNextRequestAfterEachRefusal() {
        refused("{% include 'META-INF/microprofile-config.properties' %}");
        refused("{% if true %}".repeat(5_000) + "{% endif %}".repeat(5_000));

        assertEquals("[hi]", render(null));
    }

    /** The param of the refusal, or "rendered" when the template was within limits after all. */
    private static String refusedOrRendered(String template) {
        try {
            render(template);
            return "rendered";
        } catch (InvalidRequestException e) {
            return e.param();
        }
    }

    private static InvalidRequestException refused(String template) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> render(template));
        assertEquals("chat_template", e.param(), e.getMessage());
        assertTrue(e.getMessage().startsWith("The request's chat_template failed to render: "), e.getMessage());
        return e;
    }

    private static String render(String template) {
        return TEMPLATES.render(List.of(ChatMessage.user("hi")),
                new ChatRenderOptions(true, false, Map.of(), List.of(), template));
    }
}
