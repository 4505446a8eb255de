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

    @Test
    void wideVectorsAreChosenOnlyWhereTheyStreamClearlyFaster() {
        assertEquals(512, VectorWidth.decide(new VectorWidthProbe.Rates(20.0, 24.0)));
        assertEquals(256, VectorWidth.decide(new VectorWidthProbe.Rates(21.1, 21.7)));     // a tie costs nothing at 256
        assertEquals(256, VectorWidth.decide(new VectorWidthProbe.Rates(30.8, 15.0)));     // split 512-bit units
    }

    @Test
    void aWidthMeasuredBeforeTheJitVectorizedItIsNotTrusted() {
        VectorWidthProbe.Rates unfinished = new VectorWidthProbe.Rates(1.8, 7.5);

        assertEquals(false, VectorWidth.plausible(unfinished));
        assertEquals(256, VectorWidth.decide(unfinished));
    }
}
