package dev.vela.bootstrap;

import dev.vela.application.port.in.ChatUseCase;
import dev.vela.application.port.in.CompletionUseCase;
import dev.vela.application.port.in.ListModelsUseCase;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.Config;

/**
 * The CDI wiring: builds the serving stack from configuration when the application starts (so a
 * bad model stops start-up instead of the first request) and hands the REST adapter its use cases.
 */
@ApplicationScoped
public class VelaBeans {

    private final ServingStack stack;

    @Inject
    public VelaBeans(Config config) {
        this.stack = ServingStack.start(VelaSettings.from(config));
    }

    /** Protected no-arg constructor for CDI's client proxy. */
    protected VelaBeans() {
        this.stack = null;
    }

    void loadOnStart(@Observes @Initialized(ApplicationScoped.class) Object started) {
        stack();
    }

    ServingStack stack() {
        return stack;
    }

    @Produces
    @ApplicationScoped
    ListModelsUseCase models() {
        return stack.models;
    }

    @Produces
    @ApplicationScoped
    CompletionUseCase completions() {
        return stack.completions;
    }

    @Produces
    @ApplicationScoped
    ChatUseCase chat() {
        return stack.chat;
    }

    @PreDestroy
    void close() {
        if (stack != null) {
            stack.close();
        }
    }
}
