package dev.vela.bootstrap.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConnectionLimitTest {

    @Test
    void aQuarterOfTheFreeDescriptorsIsHeldBack() {
        assertEquals(600, ConnectionLimit.of(1000, 200));
    }

    @Test
    void theReserveIsAtLeast32() {
        assertEquals(68, ConnectionLimit.of(300, 200));
    }

    @Test
    void theReserveIsAtMost1024() {
        assertEquals(1_048_576 - 200 - 1024, ConnectionLimit.of(1_048_576, 200));
    }

    @Test
    void aProcessWithNoDescriptorsToSpareStillAcceptsOneConnection() {
        assertEquals(1, ConnectionLimit.of(200, 200));
    }

    @Test
    void thisProcessHasALimitBelowItsDescriptorLimit() {
        ConnectionLimit.derived().ifPresent(limit -> assertTrue(limit > 0, "limit " + limit));
    }
}
