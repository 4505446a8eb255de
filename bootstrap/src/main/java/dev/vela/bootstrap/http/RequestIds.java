package dev.vela.bootstrap.http;

import dev.vela.adapters.rest.http.HttpSettings;
import io.helidon.microprofile.server.ServerCdiExtension;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

/**
 * Puts Vela's filters in front of Helidon's routing before the server starts: the {@link RequestIdFilter},
 * then the {@link ConnectionFilter} (so that its refusals carry a request id too).
 */
@ApplicationScoped
public class RequestIds {

    private final HttpSettings settings;

    @Inject
    public RequestIds(HttpSettings settings) {
        this.settings = settings;
    }

    // Helidon builds its routing when the application scope starts, at PLATFORM_AFTER + 100.
    void register(@Observes @Priority(Interceptor.Priority.PLATFORM_AFTER) @Initialized(ApplicationScoped.class) Object started,
                  BeanManager beans) {
        beans.getExtension(ServerCdiExtension.class).serverRoutingBuilder()
                .addFilter(new RequestIdFilter(settings.accessLog()))
                .addFilter(new ConnectionFilter());
    }
}
