package dev.vela.adapters.rest.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.vela.adapters.rest.WireJson;
import dev.vela.domain.error.InvalidRequestException;
import dev.vela.domain.error.NotFoundException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Each exception a request can end with, as the status and OpenAI error body the client receives. */
class ErrorMappingTest {

    /** The status, media type and body text of a mapped response, as Jersey writes them. */
    private static String sent(Response response) {
        Object entity = response.getEntity();
        String body = entity == null ? "" : new WireJson().getContext(entity.getClass()).toJson(entity);
        return response.getStatus() + " " + response.getMediaType() + " " + body;
    }

    @Test
    void anInvalidRequestIs400NamingTheParameter() {
        assertEquals("400 application/json {\"error\":{\"message\":\"temperature must be in [0, 2], got 5.0.\","
                + "\"type\":\"BadRequestError\",\"param\":\"temperature\",\"code\":400}}",
                sent(new InvalidRequestMapper().toResponse(new InvalidRequestException("temperature must be in [0, 2], got 5.0.",
                        "temperature"))));
    }

    @Test
    void anInvalidRequestWithoutAParameterSaysParamNull() {
        assertEquals("400 application/json {\"error\":{\"message\":\"The request body is empty; expected a JSON object.\","
                + "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}",
                sent(new InvalidRequestMapper().toResponse(new InvalidRequestException("The request body is empty; expected a JSON object."))));
    }

    @Test
    void anUnknownModelIs404NamingTheModel() {
        assertEquals("404 application/json {\"error\":{\"message\":\"The model `gpt-4` does not exist.\","
                + "\"type\":\"NotFoundError\",\"param\":\"model\",\"code\":404}}",
                sent(new NotFoundMapper().toResponse(NotFoundException.model("gpt-4"))));
    }

    @Test
    void anUnexpectedErrorIs500WithItsMessageAloneAndIsLoggedWithItsStackTrace() {
        IllegalStateException error = new IllegalStateException("the engine has stopped");
        List<LogRecord> logged = logged(() -> assertEquals("500 application/json {\"error\":{\"message\":\"the engine has stopped\","
                + "\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}", sent(new UnexpectedErrorMapper().toResponse(error))));
        assertEquals(1, logged.size());
        assertSame(error, logged.getFirst().getThrown(), "the stack trace goes to the log, not to the client");
    }

    @Test
    void anUnexpectedErrorWithoutAMessageIsNamedByItsType() {
        logged(() -> assertEquals("500 application/json {\"error\":{\"message\":\"NullPointerException\","
                + "\"type\":\"InternalServerError\",\"param\":null,\"code\":500}}",
                sent(new UnexpectedErrorMapper().toResponse(new NullPointerException()))));
    }

    /** What {@link UnexpectedErrorMapper} logs while {@code action} runs, kept off the console. */
    private static List<LogRecord> logged(Runnable action) {
        Logger log = Logger.getLogger(UnexpectedErrorMapper.class.getName());
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                records.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        boolean parents = log.getUseParentHandlers();
        log.addHandler(capture);
        log.setUseParentHandlers(false);
        try {
            action.run();
        } finally {
            log.removeHandler(capture);
            log.setUseParentHandlers(parents);
        }
        return records;
    }

    @Test
    void aBodyThatIsNotJsonIs415SayingWhatIsAllowed() {
        assertEquals("415 application/json {\"error\":{\"message\":\"Unsupported Media Type: Only 'application/json' is allowed\","
                + "\"type\":\"UnsupportedMediaType\",\"param\":null,\"code\":415}}",
                sent(new WebApplicationMapper().toResponse(new NotSupportedException())));
    }

    @Test
    void aWrongMethodIs405() {
        assertEquals("405 application/json {\"error\":{\"message\":\"Method Not Allowed\",\"type\":\"MethodNotAllowed\","
                + "\"param\":null,\"code\":405}}",
                sent(new WebApplicationMapper().toResponse(new NotAllowedException("POST"))));
    }

    @Test
    void anUnmatchedPathIsLeftEmptyForHelidonsOtherRoutes() {
        Response response = new WebApplicationMapper().toResponse(new jakarta.ws.rs.NotFoundException());
        assertEquals(404, response.getStatus());
        assertNull(response.getEntity());
    }

    @Test
    void aBodyStoppedPartWayIs413AndClosesTheConnection() {
        Response response = new WebApplicationMapper().toResponse(new WebApplicationException("Request body over 100 bytes", 413));
        assertEquals("413 application/json {\"error\":{\"message\":\"Request body over 100 bytes\","
                + "\"type\":\"RequestEntityTooLarge\",\"param\":null,\"code\":413}}", sent(response));
        assertEquals("close", response.getHeaderString("Connection"));
    }

    @Test
    void anErrorAlreadyInTheOpenAiShapeIsSentAsItIsWithItsHeaders() {
        Response built = ErrorResponses.unreadBody(400, "Unknown charset bogus");
        Response response = new WebApplicationMapper().toResponse(new WebApplicationException(built));
        assertSame(built, response);
        assertEquals("close", response.getHeaderString("Connection"));
    }

    @Test
    void anyOtherStatusKeepsItAndItsMessage() {
        assertEquals("406 application/json {\"error\":{\"message\":\"HTTP 406 Not Acceptable\",\"type\":\"BadRequestError\","
                + "\"param\":null,\"code\":406}}", sent(new WebApplicationMapper().toResponse(new WebApplicationException(406))));
        assertEquals("503 application/json {\"error\":{\"message\":\"Service Unavailable\",\"type\":\"ServiceUnavailableError\","
                + "\"param\":null,\"code\":503}}",
                sent(new WebApplicationMapper().toResponse(new WebApplicationException((String) null, 503))));
    }

    @Test
    void eachStatusHasVllmsTypeName() {
        assertEquals(List.of("BadRequestError", "AuthenticationError", "NotFoundError", "MethodNotAllowed", "RequestEntityTooLarge",
                        "UnsupportedMediaType", "BadRequestError", "InternalServerError", "NotImplementedError", "InternalServerError",
                        "ServiceUnavailableError"),
                List.of(400, 401, 404, 405, 413, 415, 429, 500, 501, 502, 503).stream().map(ErrorResponses::typeOf).toList());
    }

    @Test
    void anErrorWrittenBelowJaxRsHasTheSameBytesAsOneWrittenByIt() {
        Response mapped = ErrorResponses.of(503, "The model is still loading.", null);
        assertEquals(new WireJson().getContext(Object.class).toJson(mapped.getEntity()),
                ErrorResponses.json(503, "The model is still loading."));
    }

    @Test
    void anErrorFoundWhileGeneratingKeepsItsStatusAndParameter() {
        assertEquals(List.of("400 BadRequestError n", "404 NotFoundError model", "500 InternalServerError null"),
                List.of(new InvalidRequestException("bad n", "n"), NotFoundException.model("x"), new IllegalStateException("boom"))
                        .stream().map(ErrorResponses::body)
                        .map(body -> body.error().code() + " " + body.error().type() + " " + body.error().param()).toList());
    }
}
