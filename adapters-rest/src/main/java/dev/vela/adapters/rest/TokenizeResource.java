package dev.vela.adapters.rest;

import dev.vela.adapters.rest.wire.DetokenizeRequest;
import dev.vela.adapters.rest.wire.DetokenizeResponse;
import dev.vela.adapters.rest.wire.ErrorBody;
import dev.vela.adapters.rest.wire.TokenizeChatRequest;
import dev.vela.adapters.rest.wire.TokenizeCompletionRequest;
import dev.vela.adapters.rest.wire.TokenizeRequests;
import dev.vela.adapters.rest.wire.TokenizeResponse;
import dev.vela.application.port.in.TokenizeUseCase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** vLLM's {@code POST /tokenize} and {@code POST /detokenize}: the served model's tokenizer over HTTP. */
@ApplicationScoped
@Path("/")
@Tag(name = "Tokenizer")
public class TokenizeResource {

    private final TokenizeUseCase tokenizer;

    @Inject
    public TokenizeResource(TokenizeUseCase tokenizer) {
        this.tokenizer = tokenizer;
    }

    @POST
    @Path("tokenize")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Tokenize a prompt or a conversation", description = "With \"prompt\", the text is tokenized "
            + "as /v1/completions does (special tokens added); with \"messages\", the conversation is rendered with "
            + "the chat template and tokenized as /v1/chat/completions does.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = TokenizeResponse.class)))
    @APIResponse(responseCode = "400", description = "invalid request; param names the field",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "unknown model", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public TokenizeResponse tokenize(@RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(oneOf = {TokenizeCompletionRequest.class, TokenizeChatRequest.class}),
            examples = {@ExampleObject(name = "prompt", value = "{\"model\": \"DeepSeek-R1-Distill-Qwen-32B\", "
                    + "\"prompt\": \"请介绍下中科院计算所？\"}"),
                @ExampleObject(name = "chat", value = "{\"model\": \"DeepSeek-R1-Distill-Qwen-32B\", "
                        + "\"messages\": [{\"role\": \"user\", \"content\": \"Hello!\"}], \"return_token_strs\": true}")}))
                                     String body) {
        return TokenizeResponse.of(tokenizer.tokenize(TokenizeRequests.read(RequestBodies.parse(body, "TokenizeRequest"))));
    }

    @POST
    @Path("detokenize")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Turn token ids into text")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = DetokenizeResponse.class)))
    @APIResponse(responseCode = "400", description = "invalid request; param names the field",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "unknown model", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public DetokenizeResponse detokenize(@RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DetokenizeRequest.class),
            examples = @ExampleObject(name = "ids", value = "{\"model\": \"DeepSeek-R1-Distill-Qwen-32B\", "
                    + "\"tokens\": [151646, 14880, 100157, 16872, 113586, 100768, 31838, 11319]}")))
                                         String body) {
        return new DetokenizeResponse(tokenizer.detokenize(
                DetokenizeRequest.read(RequestBodies.parse(body, "DetokenizeRequest")).toCommand()));
    }
}
