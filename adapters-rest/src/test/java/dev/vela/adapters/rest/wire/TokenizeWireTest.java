package dev.vela.adapters.rest.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.adapters.rest.WireJson;
import dev.vela.application.port.in.TokenizeCommand;
import dev.vela.application.port.in.Tokenized;
import jakarta.json.Json;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code POST /tokenize} and {@code /detokenize}: which form a body is read as, vLLM's defaults, and the answers' bytes. */
class TokenizeWireTest {

    private static TokenizeCommand read(String fields) {
        return TokenizeRequests.read(new RequestJson(Json.createReader(new StringReader("{" + fields + "}")).readObject(),
                "TokenizeRequest"));
    }

    private static String json(Object answer) {
        return new WireJson().getContext(answer.getClass()).toJson(answer);
    }

    @Test
    void aPromptAddsSpecialTokensUnlessToldNot() {
        TokenizeCommand.Prompt prompt = assertInstanceOf(TokenizeCommand.Prompt.class, read("\"prompt\": \"Hi\""));
        assertEquals("Hi", prompt.prompt());
        assertTrue(prompt.addSpecialTokens());
        assertFalse(prompt.returnTokenStrs());
        assertFalse(read("\"prompt\": \"Hi\", \"add_special_tokens\": false").addSpecialTokens());
    }

    @Test
    void messagesMakeTheChatFormWhichAddsNoSpecialTokensUnlessTold() {
        TokenizeCommand.Chat chat = assertInstanceOf(TokenizeCommand.Chat.class,
                read("\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"return_token_strs\": true"));
        assertEquals("Hi", chat.messages().getFirst().content());
        assertFalse(chat.addSpecialTokens());
        assertTrue(chat.returnTokenStrs());
        assertTrue(chat.render().addGenerationPrompt());
    }

    @Test
    void theTokenizeAnswerCountsTheIdsAndSaysTokenStrsNullUnlessAskedFor() {
        assertEquals("{\"count\":3,\"max_model_len\":1024,\"tokens\":[5,6,7],\"token_strs\":null}",
                json(TokenizeResponse.of(new Tokenized(new int[] {5, 6, 7}, null, 1024))));
        assertEquals("{\"count\":2,\"max_model_len\":1024,\"tokens\":[5,6],\"token_strs\":[\"Hi\",\"Ġthere\"]}",
                json(TokenizeResponse.of(new Tokenized(new int[] {5, 6}, List.of("Hi", "Ġthere"), 1024))));
    }

    @Test
    void theDetokenizeAnswerIsThePrompt() {
        assertEquals("{\"prompt\":\"请介绍\"}", json(new DetokenizeResponse("请介绍")));
        assertArrayEquals(new int[] {1, 2}, DetokenizeRequest.read(new RequestJson(
                Json.createReader(new StringReader("{\"tokens\": [1, 2]}")).readObject(), "DetokenizeRequest"))
                .toCommand().tokens());
    }
}
