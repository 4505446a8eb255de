package dev.vela.adapters.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import java.util.Map;

/**
 * The JAX-RS application. Its one property turns off Jersey's response buffering, without which a
 * streamed answer would reach the client only when it is complete.
 */
@ApplicationScoped
@ApplicationPath("/")
public class VelaRestApplication extends Application {

    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.contentLength.buffer", 0);
    }
}
