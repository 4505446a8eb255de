package dev.vela.adapters.rest.error;

import dev.vela.domain.error.NotFoundException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** A model (or other thing) that does not exist: 404. */
@Provider
public class NotFoundMapper implements ExceptionMapper<NotFoundException> {

    @Override
    public Response toResponse(NotFoundException e) {
        return ErrorResponses.of(404, e.getMessage(), e.param());
    }
}
