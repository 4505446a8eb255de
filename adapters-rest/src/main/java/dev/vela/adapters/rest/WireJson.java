package dev.vela.adapters.rest;

import jakarta.inject.Singleton;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.JsonbConfig;
import jakarta.json.bind.config.PropertyNamingStrategy;
import jakarta.ws.rs.ext.ContextResolver;
import jakarta.ws.rs.ext.Provider;

/**
 * The JSON-B configuration of the OpenAI wire format: snake_case names, nulls only where a type
 * asks for them ({@code @JsonbNillable}). Jersey uses it for response bodies; the SSE writer uses
 * the same instance for each chunk.
 */
@Provider
@Singleton
public class WireJson implements ContextResolver<Jsonb> {

    static final Jsonb JSONB = JsonbBuilder.create(new JsonbConfig()
            .withPropertyNamingStrategy(PropertyNamingStrategy.LOWER_CASE_WITH_UNDERSCORES));

    @Override
    public Jsonb getContext(Class<?> type) {
        return JSONB;
    }

    static String toJson(Object value) {
        return JSONB.toJson(value);
    }
}
