package dev.vela.adapters.rest.wire;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Every error Vela returns, in the OpenAI shape {@code {"error": {...}}}. */
@Schema(name = "ErrorResponse")
public record ErrorBody(ErrorInfo error) {

    /** What went wrong, the request field to fix, and the HTTP status as {@code code}. */
    @Schema(name = "ErrorInfo")
    @JsonbPropertyOrder({"message", "type", "param", "code"})
    public record ErrorInfo(String message,
                            @Schema(example = "BadRequestError") String type,
                            @JsonbNillable String param,
                            int code) {
    }

    public static ErrorBody of(String message, String type, String param, int code) {
        return new ErrorBody(new ErrorInfo(message, type, param, code));
    }
}
