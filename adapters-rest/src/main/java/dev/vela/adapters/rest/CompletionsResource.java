package dev.vela.adapters.rest;

import dev.vela.adapters.rest.http.ClientDeparture;
import dev.vela.adapters.rest.wire.CompletionRequest;
import dev.vela.adapters.rest.wire.CompletionResponse;
import dev.vela.adapters.rest.wire.ErrorBody;
import dev.vela.adapters.rest.wire.UnauthorizedBody;
import dev.vela.application.port.in.CompletionUseCase;
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

/** {@code POST /v1/completions}: continues prompts, as a JSON body or as server-sent events. */
@ApplicationScoped
@Path("/v1/completions")
@Tag(name = "OpenAI")
public class CompletionsResource {

    private final CompletionUseCase completions;
    private final ListModelsUseCase models;
    private final StreamWriteTimeout writeTimeout;
    private final ClientDeparture departure;

    @Inject
    public CompletionsResource(CompletionUseCase completions, ListModelsUseCase models, StreamWriteTimeout writeTimeout,
                               ClientDeparture departure) {
        this.completions = completions;
        this.models = models;
        this.writeTimeout = writeTimeout;
        this.departure = departure;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, MediaType.SERVER_SENT_EVENTS})
    @Operation(summary = "Create a completion", description = "With \"stream\": true the answer is a stream of "
            + "server-sent events (data: <CompletionResponse chunk>), ending with data: [DONE].")
    @APIResponse(responseCode = "200", description = "the completion (or an event stream)",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CompletionResponse.class)),
                @Content(mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(implementation = CompletionResponse.class))})
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
            schema = @Schema(implementation = CompletionRequest.class),
            examples = {@ExampleObject(name = "greedy", value = "{\"model\": \"DeepSeek-R1-Distill-Qwen-32B\", "
                    + "\"prompt\": \"San Francisco is a\", \"max_tokens\": 7, \"temperature\": 0}"),
                @ExampleObject(name = "streamed", value = "{\"model\": \"DeepSeek-R1-Distill-Qwen-32B\", "
                        + "\"prompt\": \"请介绍下中科院计算所？\", \"max_tokens\": 64, \"stream\": true}")}))
                           String body) {
        CompletionRequest request = CompletionRequest.read(RequestBodies.parse(body, "CompletionRequest"));
        Generation generation = completions.complete(request.toCommand());
        CompletionAnswer answer = new CompletionAnswer(servedModel(), request, generation, departure);
        if (request.streaming()) {
            boolean bestOf = request.bestOf() != null && request.bestOf() != (request.n() == null ? 1 : request.n());
            return Response.ok(bestOf ? answer.streamWhole(writeTimeout.timeout()) : answer.stream(writeTimeout.timeout()), MediaType.SERVER_SENT_EVENTS_TYPE).build();
        }
        return Response.ok(answer.body(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    private String servedModel() {
        return models.listModels().getFirst().id();
    }
}
