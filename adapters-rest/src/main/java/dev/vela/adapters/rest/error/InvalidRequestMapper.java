package dev.vela.adapters.rest.error;

import dev.vela.domain.error.InvalidRequestException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A request the client must fix: 400 naming the parameter. */
@Provider
public class InvalidRequestMapper implements ExceptionMapper<InvalidRequestException> {

    @Override
    public Response toResponse(InvalidRequestException e) {
        return ErrorResponses.of(400, e.getMessage(), e.param());
    }
}
