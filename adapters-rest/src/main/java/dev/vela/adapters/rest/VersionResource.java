package dev.vela.adapters.rest;

import dev.vela.adapters.rest.http.HttpSettings;
import dev.vela.adapters.rest.wire.VersionInfo;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /version}: the server's version, as vLLM answers it. */
@ApplicationScoped
@Path("/version")
@Tag(name = "Server")
public class VersionResource {

    private final HttpSettings settings;

    @Inject
    public VersionResource(HttpSettings settings) {
        this.settings = settings;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The server's version")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = VersionInfo.class)))
    public VersionInfo version() {
        return new VersionInfo(settings.version());
    }
}
