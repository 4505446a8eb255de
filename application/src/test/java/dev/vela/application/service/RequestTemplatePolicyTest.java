package dev.vela.application.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vela.domain.chat.ChatRenderOptions;
import dev.vela.domain.error.InvalidRequestException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A request's own chat template is allowed only when the server trusts request templates, as vLLM's flag says. */
class RequestTemplatePolicyTest {

    @Test
    void withoutTrustATemplateInEitherPlaceIsRefusedWithVllmsMessage() {
        RequestTemplatePolicy untrusted = new RequestTemplatePolicy(false);

        for (ChatRenderOptions options : List.of(withTemplate("x"), withTemplate(""),
                new ChatRenderOptions(true, false, Map.of("chat_template", "x"), List.of(), null))) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> untrusted.check(options));

            assertEquals(RequestTemplatePolicy.UNTRUSTED, e.getMessage());
            assertEquals("chat_template", e.param());
        }
    }

    @Test
    void withoutTrustTheModelsTemplateAndOtherKwargsPass() {
        assertDoesNotThrow(() -> new RequestTemplatePolicy(false).check(
                new ChatRenderOptions(true, false, Map.of("enable_thinking", false), List.of(), null)));
    }

    @Test
    void withTrustARequestTemplatePassesAndTheKwargsOneWinsAsInVllm() {
        ChatRenderOptions both = new ChatRenderOptions(true, false, Map.of("chat_template", "kwargs"), List.of(), "field");

        assertDoesNotThrow(() -> new RequestTemplatePolicy(true).check(both));
        assertEquals("kwargs", both.requestTemplate());
    }

    private static ChatRenderOptions withTemplate(String template) {
        return new ChatRenderOptions(true, false, Map.of(), List.of(), template);
    }
}
