package dev.vela.adapters.rest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CharsetFilterTest {

    private static MediaType json(String charset) {
        return new MediaType("application", "json", Map.of(MediaType.CHARSET_PARAMETER, charset));
    }

    @Test
    void utf8IsKnown() {
        assertEquals(Optional.empty(), CharsetFilter.unknownCharset(json("utf-8")));
    }

    @Test
    void noCharsetIsFine() {
        assertEquals(Optional.empty(), CharsetFilter.unknownCharset(MediaType.APPLICATION_JSON_TYPE));
    }

    @Test
    void noContentTypeIsFine() {
        assertEquals(Optional.empty(), CharsetFilter.unknownCharset(null));
    }

    @Test
    void anUnknownCharsetIsNamed() {
        assertEquals(Optional.of("bogus"), CharsetFilter.unknownCharset(json("bogus")));
    }

    @Test
    void anIllegalCharsetNameIsNamed() {
        assertEquals(Optional.of("no such/charset"), CharsetFilter.unknownCharset(json("no such/charset")));
    }
}
