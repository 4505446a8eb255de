package dev.vela.adapters.rest.http;

import dev.vela.adapters.rest.error.ErrorResponses;
import dev.vela.application.port.in.EngineStatus;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.ext.Provider;

/**
 * The server listens while the model is still loading (so probes get an answer); until the engine
 * serves, requests that need the model get 503 in the OpenAI error shape, as they do once the
 * engine has failed.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION + 200)
@ApplicationScoped
public class EngineAvailabilityFilter implements ContainerRequestFilter {

    private final EngineStatus engine;

    @Inject
    public EngineAvailabilityFilter(EngineStatus engine) {
        this.engine = engine;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (!engine.healthy() && OpenAiPaths.needsModel(request.getUriInfo().getRequestUri().getRawPath())) {
            request.abortWith(ErrorResponses.of(503,
                    "The model is not being served: it is still loading, or the engine has stopped. "
                            + "GET /health answers 200 once requests can be served.", null));
        }
    }
}
