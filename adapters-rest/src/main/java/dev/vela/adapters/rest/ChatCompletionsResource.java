package dev.vela.adapters.rest;

import dev.vela.adapters.rest.http.ClientDeparture;
import dev.vela.adapters.rest.wire.ChatCompletionChunk;
import dev.vela.adapters.rest.wire.ChatCompletionRequest;
import dev.vela.adapters.rest.wire.ChatCompletionResponse;
import dev.vela.adapters.rest.wire.ErrorBody;
import dev.vela.adapters.rest.wire.UnauthorizedBody;
import dev.vela.application.port.in.ChatUseCase;
import dev.vela.application.port.in.Generation;
import dev.vela.application.port.in.ListModelsUseCase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code POST /v1/chat/completions}: answers a conversation, as a JSON body or as server-sent events. */
@ApplicationScoped
@Path("/v1/chat/completions")
@Tag(name = "OpenAI")
public class ChatCompletionsResource {

    private final ChatUseCase chat;
    private final ListModelsUseCase models;
    private final StreamWriteTimeout writeTimeout;
    private final ClientDeparture departure;

    @Inject
    public ChatCompletionsResource(ChatUseCase chat, ListModelsUseCase models, StreamWriteTimeout writeTimeout,
                                   ClientDeparture departure) {
        this.chat = chat;
        this.models = models;
        this.writeTimeout = writeTimeout;
        this.departure = departure;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(summary = "Create a chat completion", description = "With \"stream\": true the answer is a stream of "
            + "server-sent events (data: <ChatCompletionChunk>), ending with data: [DONE].")
    @APIResponse(responseCode = "200", description = "the answer (or an event stream)",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ChatCompletionResponse.class)),
                @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = ChatCompletionChunk.class))})
    @APIResponse(responseCode = "400", description = "invalid request; param names the field",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "unknown model", content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", description = "API key missing or wrong (when --api-key is set)",
            content = @Content(schema = @Schema(implementation = UnauthorizedBody.class)))
    @APIResponse(responseCode = "413", description = "request body over vela.max-request-bytes",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", description = "the model is still loading, or the engine has failed",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public Response create(@RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = ChatCompletionRequest.class),
            examples = {@ExampleObject(name = "chat", value = "{\"model\": \"DeepSeek-R1-Distill-Qwen-32B\", "
                    + "\"messages\": [{\"role\": \"user\", \"content\": \"请介绍下中科院计算所？\"}], "
                    + "\"temperature\": 0.6, \"top_p\": 0.95, \"max_tokens\": 512}"),
                @ExampleObject(name = "streamed", value = "{\"model\": \"DeepSeek-R1-Distill-Qwen-32B\", "
                        + "\"messages\": [{\"role\": \"user\", \"content\": \"Hello!\"}], \"stream\": true}")}))
                           String body) {
        ChatCompletionRequest request = ChatCompletionRequest.read(RequestBodies.parse(body, "ChatCompletionRequest"));
        Generation generation = chat.chat(request.toCommand());
        ChatAnswer answer = new ChatAnswer(models.listModels().getFirst().id(), request.reportedTopLogprobs() != null,
                request.streamOptions(), generation, departure);
        if (request.streaming()) {
            return Response.ok(answer.stream(writeTimeout.timeout()), MediaType.SERVER_SENT_EVENTS_TYPE).build();
        }
        return Response.ok(answer.body(), MediaType.APPLICATION_JSON_TYPE).build();
    }
}
