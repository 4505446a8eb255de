package dev.vela.adapters.rest.http;

import dev.vela.adapters.rest.wire.UnauthorizedBody;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

/**
 * {@code --api-key}: as in vLLM, only the OpenAI API ({@code /v1/*}) needs
 * {@code Authorization: Bearer <key>}; anything else (health, metrics, docs, tokenize, version)
 * and CORS preflights stay open. A missing or wrong key gets vLLM's 401 {@code {"error":"Unauthorized"}}.
 */
@Provider
@PreMatching
@Priority(Priorities.AUTHENTICATION)
@ApplicationScoped
public class ApiKeyFilter implements ContainerRequestFilter {

    private final HttpSettings settings;

    @Inject
    public ApiKeyFilter(HttpSettings settings) {
        this.settings = settings;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (settings.apiKey().isEmpty() || HttpMethod.OPTIONS.equals(request.getMethod())
                || !OpenAiPaths.isOpenAi(request.getUriInfo().getRequestUri().getRawPath())) {
            return;
        }
        if (!settings.apiKey().get().acceptsAuthorization(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
            request.abortWith(Response.status(Response.Status.UNAUTHORIZED)
                    .type(MediaType.APPLICATION_JSON_TYPE).entity(UnauthorizedBody.INSTANCE).build());
        }
    }
}
