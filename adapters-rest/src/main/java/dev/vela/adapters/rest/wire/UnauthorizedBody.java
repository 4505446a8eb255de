package dev.vela.adapters.rest.wire;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** vLLM's answer to a missing or wrong API key: {@code {"error": "Unauthorized"}}, a string, not the error object. */
@Schema(name = "UnauthorizedResponse")
public record UnauthorizedBody(@Schema(example = "Unauthorized") String error) {

    public static final UnauthorizedBody INSTANCE = new UnauthorizedBody("Unauthorized");
}
