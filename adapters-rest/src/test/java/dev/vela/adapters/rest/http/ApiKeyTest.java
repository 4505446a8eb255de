package dev.vela.adapters.rest.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ApiKeyTest {

    private final ApiKey key = ApiKey.of("s3cret");

    @Test
    void theBearerSchemeWithTheKeyIsAccepted() {
        assertTrue(key.acceptsAuthorization("Bearer s3cret"));
        assertTrue(key.acceptsAuthorization("bearer s3cret"), "the scheme is case-insensitive");
    }

    @Test
    void anythingElseIsRefused() {
        assertFalse(key.acceptsAuthorization(null));
        assertFalse(key.acceptsAuthorization(""));
        assertFalse(key.acceptsAuthorization("s3cret"));
        assertFalse(key.acceptsAuthorization("Basic s3cret"));
        assertFalse(key.acceptsAuthorization("Bearer s3cre"));
        assertFalse(key.acceptsAuthorization("Bearer s3cret "));
        assertFalse(key.acceptsAuthorization("Bearer S3CRET"));
    }

    @Test
    void theKeyIsNeverPrinted() {
        assertEquals("ApiKey[not shown]", key.toString());
    }

    @Test
    void anEmptyKeyIsNoKey() {
        assertThrows(IllegalArgumentException.class, () -> ApiKey.of(""));
    }
}
