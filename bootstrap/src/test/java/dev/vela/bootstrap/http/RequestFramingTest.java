package dev.vela.bootstrap.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.helidon.http.HeaderNames;
import io.helidon.http.ServerRequestHeaders;
import io.helidon.http.WritableHeaders;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RequestFramingTest {

    private static Optional<String> problem(String... namesAndValues) {
        WritableHeaders<?> headers = WritableHeaders.create();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.add(HeaderNames.create(namesAndValues[i]), namesAndValues[i + 1]);
        }
        return RequestFraming.problem(ServerRequestHeaders.create(headers));
    }

    @Test
    void oneLengthIsFine() {
        assertEquals(Optional.empty(), problem("Content-Length", "57"));
    }

    @Test
    void chunkedIsFine() {
        assertEquals(Optional.empty(), problem("Transfer-Encoding", "chunked"));
    }

    @Test
    void noBodyIsFine() {
        assertEquals(Optional.empty(), problem());
    }

    @Test
    void theSameLengthTwiceIsOneLength() {
        assertEquals(Optional.empty(), problem("Content-Length", "57", "Content-Length", "057"));
    }

    @Test
    void aNegativeLengthIsInvalid() {
        assertEquals(Optional.of("Invalid Content-Length header: '-1'"), problem("Content-Length", "-1"));
    }

    @Test
    void aLengthThatIsNotDigitsIsInvalid() {
        assertEquals(Optional.of("Invalid Content-Length header: '0x10'"), problem("Content-Length", "0x10"));
    }

    @Test
    void twoDifferentLengthsConflict() {
        assertEquals(Optional.of("Conflicting Content-Length headers: 57, 5"),
                problem("Content-Length", "57", "Content-Length", "5"));
    }

    @Test
    void aLengthListWithDifferentValuesConflicts() {
        assertEquals(Optional.of("Conflicting Content-Length headers: 57, 5"), problem("Content-Length", "57, 5"));
    }

    @Test
    void aLengthWithChunkedIsRefused() {
        assertEquals(Optional.of("A request may not have both Content-Length and Transfer-Encoding"),
                problem("Content-Length", "5", "Transfer-Encoding", "chunked"));
    }

    @Test
    void aCodingOtherThanChunkedIsRefused() {
        assertEquals(Optional.of("Unsupported Transfer-Encoding: 'gzip, chunked'; only 'chunked' is accepted"),
                problem("Transfer-Encoding", "gzip, chunked"));
    }
}
