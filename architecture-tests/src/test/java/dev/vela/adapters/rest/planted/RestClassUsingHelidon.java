package dev.vela.adapters.rest.planted;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;

/** A deliberate violation, checked by ArchitectureTest: the REST adapter must not use Helidon's own API. */
public class RestClassUsingHelidon implements HttpService {

    @Override
    public void routing(HttpRules rules) {
    }
}
