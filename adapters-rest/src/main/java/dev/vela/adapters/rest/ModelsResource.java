package dev.vela.adapters.rest;

import dev.vela.adapters.rest.wire.ErrorBody;
import dev.vela.adapters.rest.wire.UnauthorizedBody;
import dev.vela.adapters.rest.wire.ModelList;
import dev.vela.application.port.in.ListModelsUseCase;
import dev.vela.domain.model.ModelCard;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /v1/models}: the served model. */
@ApplicationScoped
@Path("/v1/models")
@Tag(name = "OpenAI")
public class ModelsResource {

    private final ListModelsUseCase models;

    @Inject
    public ModelsResource(ListModelsUseCase models) {
        this.models = models;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "List the served models")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ModelList.class)))
    @APIResponse(responseCode = "401", description = "API key missing or wrong (when --api-key is set)",
            content = @Content(schema = @Schema(implementation = UnauthorizedBody.class)))
    @APIResponse(responseCode = "503", description = "the model is still loading, or the engine has failed",
            content = @Content(schema = @Schema(implementation = ErrorBody.class)))
    public ModelList list() {
        List<ModelList.ModelInfo> data = models.listModels().stream().map(ModelsResource::info).toList();
        return new ModelList("list", data);
    }

    private static ModelList.ModelInfo info(ModelCard card) {
        ModelList.ModelPermission permission = new ModelList.ModelPermission(
                "modelperm-" + java.util.UUID.nameUUIDFromBytes(card.id().getBytes()).toString().replace("-", ""),
                "model_permission", card.createdEpochSeconds(), false, true, true, false, true, false, "*", null, false);
        return new ModelList.ModelInfo(card.id(), "model", card.createdEpochSeconds(), card.ownedBy(), card.root(), null,
                card.maxModelLen(), "none".equals(card.quantization()) ? null : card.quantization(), List.of(permission));
    }
}
