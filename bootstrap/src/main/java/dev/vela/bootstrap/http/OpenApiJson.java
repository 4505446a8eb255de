package dev.vela.bootstrap.http;

import io.helidon.common.uri.UriQuery;
import io.helidon.microprofile.server.RoutingPath;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code GET /openapi.json}, where FastAPI (and so vLLM) serves its OpenAPI document: the
 * MicroProfile OpenAPI document at {@code /openapi}, as JSON whatever the Accept header says.
 */
@ApplicationScoped
@RoutingPath("/openapi.json")
public class OpenApiJson implements HttpService {

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", (request, response) -> response.reroute("/openapi", UriQuery.create("format=JSON")));
    }
}
