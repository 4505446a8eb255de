package dev.vela.adapters.rest.wire;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The answer of {@code GET /version}. */
@Schema(name = "VersionResponse")
public record VersionInfo(@Schema(example = "0.1.0") String version) {
}
