package dev.vela.adapters.rest.http;

import dev.vela.adapters.rest.error.ErrorResponses;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.PreMatching;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.ext.Provider;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.util.Optional;

/**
 * Refuses a body whose Content-Type names a charset this JVM does not know, with 400 naming it,
 * before a body reader fails on it: the body cannot be decoded as the client says it is encoded.
 */
@Provider
@PreMatching
@Priority(Priorities.HEADER_DECORATOR)
@ApplicationScoped
public class CharsetFilter implements ContainerRequestFilter {

    @Override
    public void filter(ContainerRequestContext request) {
        MediaType type;
        try {
            type = request.getMediaType();
        } catch (IllegalArgumentException e) {
            request.abortWith(ErrorResponses.unreadBody(400, "Invalid Content-Type header: " + e.getMessage()));
            return;
        }
        unknownCharset(type).ifPresent(charset -> request.abortWith(ErrorResponses.unreadBody(400,
                "Unsupported charset '" + charset + "' in the Content-Type header; send the JSON body as UTF-8")));
    }

    static Optional<String> unknownCharset(MediaType type) {
        String charset = type == null ? null : type.getParameters().get(MediaType.CHARSET_PARAMETER);
        if (charset == null) {
            return Optional.empty();
        }
        try {
            return Charset.isSupported(charset) ? Optional.empty() : Optional.of(charset);
        } catch (IllegalCharsetNameException e) {
            return Optional.of(charset);
        }
    }
}
