package dev.vela.adapters.rest;

import dev.vela.application.port.in.EngineStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * vLLM's probes: {@code GET /health} and {@code GET|POST /ping} answer 200 with an empty body
 * while the engine serves, and 503 while the model loads or after the engine has failed. They take
 * the place of MicroProfile Health's {@code /health}; its {@code /health/live} and
 * {@code /health/ready} stay.
 */
@ApplicationScoped
@Path("/")
@Tag(name = "Server")
public class HealthResource {

    private final EngineStatus engine;

    @Inject
    public HealthResource(EngineStatus engine) {
        this.engine = engine;
    }

    @GET
    @Path("health")
    @Operation(summary = "Whether the engine serves", description = "200 with an empty body while requests can be "
            + "served; 503 while the model loads or after the engine has failed. MicroProfile Health's "
            + "/health/live and /health/ready report liveness and readiness as JSON.")
    @APIResponse(responseCode = "200", description = "serving")
    @APIResponse(responseCode = "503", description = "loading, or the engine has failed")
    public Response health() {
        return Response.status(engine.healthy() ? Response.Status.OK : Response.Status.SERVICE_UNAVAILABLE).build();
    }

    @GET
    @Path("ping")
    @Operation(summary = "Same as GET /health (SageMaker's probe)")
    @APIResponse(responseCode = "200", description = "serving")
    @APIResponse(responseCode = "503", description = "loading, or the engine has failed")
    public Response ping() {
        return health();
    }

    @POST
    @Path("ping")
    @Operation(summary = "Same as GET /health (SageMaker's probe)")
    @APIResponse(responseCode = "200", description = "serving")
    @APIResponse(responseCode = "503", description = "loading, or the engine has failed")
    public Response pingPost() {
        return health();
    }
}
