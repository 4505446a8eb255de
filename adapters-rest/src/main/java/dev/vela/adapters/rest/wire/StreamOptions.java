package dev.vela.adapters.rest.wire;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code stream_options}: what a stream reports besides the text. */
@Schema(name = "StreamOptions")
public record StreamOptions(
        @Schema(description = "send a last chunk with the request's usage and no choices", defaultValue = "true")
        boolean includeUsage,
        @Schema(description = "every chunk carries the usage so far", defaultValue = "false")
        boolean continuousUsageStats) {

    static StreamOptions read(RequestJson json) {
        RequestJson options = json.object("stream_options");
        if (options == null) {
            return null;
        }
        return new StreamOptions(options.bool("include_usage", true), options.bool("continuous_usage_stats", false));
    }
}
