package dev.vela.bootstrap;

import dev.vela.adapters.rest.http.ApiKey;
import dev.vela.adapters.rest.http.HttpSettings;
import dev.vela.adapters.rest.metrics.MicrometerEngineObserver;
import dev.vela.application.port.in.ChatUseCase;
import dev.vela.application.port.in.CompletionUseCase;
import dev.vela.application.port.in.EngineStatus;
import dev.vela.application.port.in.ListModelsUseCase;
import dev.vela.application.port.in.TokenizeUseCase;
import dev.vela.application.port.out.RunnerInfo;
import io.helidon.metrics.api.Metrics;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import java.util.List;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The CDI wiring: hands the REST adapter its settings, the engine's status and, once the model
 * has loaded ({@link #serve}), its use cases; reports liveness and readiness to MicroProfile Health.
 */
@ApplicationScoped
public class VelaBeans {

    private static final Logger LOG = Logger.getLogger(VelaBeans.class.getName());
    private final VelaSettings settings;
    private final ServingStatus status = new ServingStatus();
    private volatile ServingStack stack;
    private MicrometerEngineObserver metrics;

    @Inject
    public VelaBeans(Config config) {
        this.settings = VelaSettings.from(config);
    }

    /** Protected no-arg constructor for CDI's client proxy. */
    protected VelaBeans() {
        this.settings = null;
    }

    /**
     * Loads the model (downloading it first if it comes from the hub) and starts serving it; until
     * this returns, probes answer 503 and requests for the model are refused.
     */
    void serve(ModelSource source) {
        MeterRegistry registry = Metrics.globalRegistry().unwrap(MeterRegistry.class);
        metrics = new MicrometerEngineObserver(registry, settings.servedName(), status);
        stack = ServingStack.start(settings, source, List.of(metrics));
        RunnerInfo info = stack.runnerInfo();
        metrics.served(info.engine(), info.dtype(), info.quantization());
        status.serving(stack.engine);
    }

    ServingStack stack() {
        return stack;
    }

    @Produces
    HttpSettings httpSettings() {
        return new HttpSettings(settings.apiKey().map(ApiKey::of), settings.maxRequestBytes(), VelaVersion.current(),
                settings.accessLog());
    }

    @Produces
    @ApplicationScoped
    EngineStatus engineStatus() {
        return status;
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

    @Produces
    @ApplicationScoped
    TokenizeUseCase tokenize() {
        return stack.tokenize;
    }

    /** Live unless the engine has failed after loading (a restart is the only cure then). */
    @Produces
    @Liveness
    HealthCheck engineAlive() {
        return () -> HealthCheckResponse.named("engine").status(!status.loaded() || status.healthy()).build();
    }

    /** Ready once the model has loaded and while the engine serves. */
    @Produces
    @Readiness
    HealthCheck modelLoaded() {
        return () -> HealthCheckResponse.named("model").status(status.healthy())
                .withData("model", settings.servedName()).build();
    }

    /** Logged as SIGTERM (or {@link VelaServer#close()}) begins, before Helidon stops accepting and drains. */
    void stopping(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE - 1) @BeforeDestroyed(ApplicationScoped.class)
                  Object event) {
        LOG.info("Stopping: no new connections; requests in flight have up to " + settings.shutdownTimeoutSeconds()
                + " s to finish");
    }

    @PreDestroy
    void close() {
        if (stack != null) {
            stack.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}
