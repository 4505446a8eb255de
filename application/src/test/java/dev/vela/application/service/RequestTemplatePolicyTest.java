package dev.vela.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vela.application.port.out.ChatTemplates;
import dev.vela.domain.chat.ChatMessage;
import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.error.InvalidRequestException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A request's own chat template is rendered only when the server trusts request templates, as vLLM's flag says. */
class RequestTemplatePolicyTest {

    private static final ChatTemplates ECHO = (messages, options) ->
            options.requestTemplate() == null ? "model's" : options.requestTemplate();
    private static final List<ChatMessage> HI = List.of(ChatMessage.user("Hi"));

    @Test
    void withoutTrustATemplateInEitherPlaceIsRefusedWithVllmsMessage() {
        RequestTemplatePolicy untrusted = new RequestTemplatePolicy(ECHO, false);

        for (ChatRenderOptions options : List.of(withTemplate("x"), withTemplate(""),
                new ChatRenderOptions(true, false, Map.of("chat_template", "x"), List.of(), null))) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> untrusted.render(HI, options));

            assertEquals(RequestTemplatePolicy.UNTRUSTED, e.getMessage());
            assertEquals("chat_template", e.param());
        }
    }

    @Test
    void withoutTrustTheModelsTemplateStillRenders() {
        assertEquals("model's", new RequestTemplatePolicy(ECHO, false).render(HI, ChatRenderOptions.defaults()));
    }

    @Test
    void withTrustTheKwargsTemplateWinsOverTheFieldAsInVllm() {
        ChatRenderOptions both = new ChatRenderOptions(true, false, Map.of("chat_template", "kwargs"), List.of(), "field");

        assertEquals("kwargs", new RequestTemplatePolicy(ECHO, true).render(HI, both));
    }

    private static ChatRenderOptions withTemplate(String template) {
        return new ChatRenderOptions(true, false, Map.of(), List.of(), template);
    }
}
