package dev.vela.adapters.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.chat.ChatTemplate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Python's str and dict methods inside templates; expected values are what Python gives. */
class PythonMethodsTest {

    @Test
    void splitKeepsTheEmptyStringAfterATrailingSeparator() {
        assertEquals("[]", render("[{{ 'reasoning</think>'.split('</think>')[-1] }}]"));
    }

    @Test
    void splitTakesItsSeparatorLiterallyNotAsARegularExpression() {
        assertEquals("['a', 'b', 'c']", render("{{ 'a.b.c'.split('.') }}"));
    }

    @Test
    void splitWithoutSeparatorSplitsOnRunsOfWhitespace() {
        assertEquals("['a', 'b  c  ']", render("{{ '  a b  c  '.split(none, 1) }}") );
        assertEquals("['a', 'b', 'c']", render("{{ ' a\\n b\\tc '.split() }}"));
    }

    @Test
    void startswithAndEndswithAcceptOneAffixOrSeveral() {
        assertEquals("true true false", render(
                "{{ '<tool_response>x'.startswith('<tool_response>') }} {{ 'x.md'.endswith(['.txt', '.md']) }}"
                        + " {{ 'abc'.startswith('b') }}"));
    }

    @Test
    void stripMethodsRemoveWhitespaceOrTheGivenCharacters() {
        assertEquals("[a]|[a \u00a0]|[\u00a0 a]|[xa]", render(
                "[{{ '\u00a0 a \u00a0'.strip() }}]|[{{ 'a \u00a0'.lstrip() }}]|[{{ '\u00a0 a'.rstrip() }}]"
                        + "|[{{ 'xa\\n\\n'.rstrip('\\n') }}]"));
    }

    @Test
    void lowerAndUpperChangeCase() {
        assertEquals("tool TOOL", render("{{ 'TooL'.lower() }} {{ 'TooL'.upper() }}"));
    }

    @Test
    void dictGetFallsBackToTheDefault() {
        assertEquals("user/none", render("{{ messages[0].get('role', 'none') }}/{{ messages[0].get('name', 'none') }}"));
    }

    private static String render(String source) {
        return new JinjavaChatTemplates(new ChatTemplate(source, "", ""))
                .render(List.of(ChatMessage.user("hi")), ChatRenderOptions.defaults());
    }
}
