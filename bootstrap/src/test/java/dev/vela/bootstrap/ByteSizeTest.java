package dev.vela.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ByteSizeTest {

    @Test
    void binaryUnitsCountIn1024s() {
        assertEquals(2L << 30, ByteSize.parse("2GiB"));
        assertEquals(2L << 30, ByteSize.parse("2G"));
        assertEquals(3L << 20, ByteSize.parse("3 MiB"));
        assertEquals(1536L, ByteSize.parse("1.5KiB"));
    }

    @Test
    void decimalUnitsCountIn1000s() {
        assertEquals(2_000_000_000L, ByteSize.parse("2GB"));
        assertEquals(2_000_000_000L, ByteSize.parse("2g"));
        assertEquals(5_000L, ByteSize.parse("5kB"));
    }

    @Test
    void aPlainNumberIsBytes() {
        assertEquals(4096L, ByteSize.parse("4096"));
        assertEquals(0L, ByteSize.parse("0"));
    }

    @Test
    void anythingElseIsNotASize() {
        assertNull(ByteSize.parse("lots"));
        assertNull(ByteSize.parse("-1"));
        assertNull(ByteSize.parse("1.5"));
        assertNull(ByteSize.parse("2 PB"));
    }
}
