package dev.vela.adapters.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class VectorWidthProbeTest {

    @Test
    void ratesPrintedByTheProbesJvmAreReadBack() {
        VectorWidthProbe.Rates rates = new VectorWidthProbe.Rates(23.8, 24.125);

        assertEquals(rates, VectorWidthProbe.Rates.parse(rates.toString()));
        assertEquals(rates, VectorWidthProbe.Rates.parse(rates + "\n"));
    }

    @Test
    void anythingElseTheProbesJvmPrintsIsNoMeasurement() {
        assertNull(VectorWidthProbe.Rates.parse("the start-up measurement did not run compiled within its budget"));
        assertNull(VectorWidthProbe.Rates.parse("rates 1.0"));
        assertNull(VectorWidthProbe.Rates.parse("rates one two"));
        assertNull(VectorWidthProbe.Rates.parse(""));
    }
}
